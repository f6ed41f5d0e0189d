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
    "Per county: at least 10%% of the eligible teachers (at least %(y)s years at their school) of urban and high-quality schools rotate to rural or weaker schools, and county-level-and-above backbone teachers are at least 20%% of them (教师〔2014〕4号). Moves in other directions are not counted.": "按县计算：城镇学校和优质学校符合交流条件的教师（在本校任教满 %(y)s 年）中，每学年至少 10%% 向农村学校或薄弱学校交流轮岗，其中县级及以上骨干教师不低于交流总数的 20%%（教师〔2014〕4号）。其他方向的流动不计入。",
}

ZH.update(
    {
        "The shares of the rule add up to %(s)s%%, not 100%%.": "分摊规则各项比例之和为 %(s)s%%，而不是 100%%。",
        "The due date %(due)s is before the call date %(date)s.": "缴款截止日 %(due)s 早于催缴日 %(date)s。",
    }
)

# Entries with a context (msgctxt): applied by key "context\x04msgid"
ZH.update(
    {
        "ownership\x04Public": "公办",
        "ownership\x04Private": "民办",
        "subject\x04English": "英语",
    }
)
