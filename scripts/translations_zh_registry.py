"""Chinese for the registry's division changes (applied by translations_zh.py, which reads every
translations_zh_*.py beside it)."""

ZH = {
    "valid from": "起始年份",
    "valid until": "终止年份",
    "First statistics year of this division; empty when it predates the table.": "该区划适用的第一个统计年度；早于区划表日期的为空。",
    "Last statistics year of this division; empty while it is still in force.": "该区划适用的最后一个统计年度；现行区划为空。",
    "%(name)s (%(code)s) was abolished after %(year)s; its territory now belongs to %(successors)s.": "%(name)s（%(code)s）已于 %(year)s 年后撤销，其辖区现属 %(successors)s。",
    "move schools to %(c)s": "将学校迁入 %(c)s",
    "%(name)s (%(code)s)": "%(name)s（%(code)s）",
    ", ": "、",  # msgctxt "list separator"
    "Unknown division change %(id)s.": "未知的区划调整 %(id)s。",
    "Division change %(id)s is already in the shipped division table.": "区划调整 %(id)s 已包含在随附的区划表中。",
    "apply division change %(id)s": "执行区划调整 %(id)s",
    "School %(school)s: %(county)s is not one of the counties it may belong to after change %(id)s (%(choices)s).": "学校 %(school)s：%(county)s 不是区划调整 %(id)s 之后该校可归属的县级单位（可选：%(choices)s）。",
    "division change %(id)s": "区划调整 %(id)s",
    "No school awaits a county among %(codes)s in the changes applied.": "在所执行的区划调整中，%(codes)s 中没有待指定县级单位的学校。",
    "%(file)s: not a UTF-8 text file.": "%(file)s：不是 UTF-8 文本文件。",
    "%(file)s, row 1: missing column %(column)s.": "%(file)s，第 1 行：缺少列 %(column)s。",
    "%(file)s, row %(row)s, column %(column)s: empty.": "%(file)s，第 %(row)s 行，%(column)s 列：为空。",
    "%(file)s, row %(row)s, column %(column)s: %(value)s is not a 12-digit code.": "%(file)s，第 %(row)s 行，%(column)s 列：%(value)s 不是 12 位代码。",
    "%(file)s, row %(row)s, column %(column)s: school %(value)s is listed twice.": "%(file)s，第 %(row)s 行，%(column)s 列：学校 %(value)s 重复出现。",
}
