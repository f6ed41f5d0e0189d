"""Chinese for the login throttling pages (applied by translations_zh.py, which reads every
translations_zh_*.py beside it)."""

ZH = {
    "If you have forgotten your password, ask your administrator to set a new one.": "如果忘记了密码，请联系管理员重新设置。",
}
PLURALS = {
    "Too many wrong passwords for this user name from your address (%(failure_limit)s in a row): logging in is refused for %(n)s minute. Each further try starts the wait again.": "该用户名从您所在的地址连续输错密码次数过多（连续 %(failure_limit)s 次）：%(n)s 分钟内不能登录。在此期间每再尝试一次，等待时间都将重新计算。",
}
