"""Chinese for the API's shared refusals (applied by translations_zh.py, which reads every
translations_zh_*.py beside it)."""

ZH = {
    "%(field)s may not be null; leave it out to keep its value.": "%(field)s 不能为 null；要保留原值请不传该字段。",
    "nothing was imported": "未导入任何数据",
    "A value does not fit in the database: %(error)s": "有一个值超出了数据库的容量：%(error)s",
    "%(f)s must be between %(lo)d and %(hi)d.": "%(f)s 须在 %(lo)d 到 %(hi)d 之间。",
}
