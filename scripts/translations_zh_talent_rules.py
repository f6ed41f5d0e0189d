"""Chinese for the teacher-rotation rules: per-county targets, tenure, principals, 县管校聘
(applied by translations_zh.py, which reads every translations_zh_*.py beside it)."""

ZH = {
    "%(county)s: %(have)s teachers rotate towards rural or weaker schools; the 10%% rule needs %(need)s": "%(county)s：向农村或薄弱学校交流 %(have)s 人；10%% 的要求为 %(need)s 人",
    "%(county)s: %(have)s backbone teachers among them; the 20%% rule needs %(need)s": "%(county)s：其中骨干教师 %(have)s 人；20%% 的要求为 %(need)s 人",
    "and %(n)s more": "另有 %(n)s 项",
    "The teacher has %(y)s years at the school; this round takes teachers with at least %(n)s.": "该教师在本校任教 %(y)s 年；本轮交流要求在同一学校任教满 %(n)s 年。",
    "Principal posts are for principals and vice principals: %(c)s": "校长岗位仅限校长、副校长申报：%(c)s",
    "Vice principal": "副校长",
    "Principal": "校长",
    "position": "职务",
    "Principal rotation": "校长交流",
    "teachers managed by the county (县管校聘)": "县管校聘",
}
