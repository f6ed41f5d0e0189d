"""Chinese translations of the scope and disclosure strings (merged by translations_zh.py)."""

ZH = {
    "The results of this round are not published yet.": "本轮次的结果尚未发布。",
    "School rows are never public; county results are.": "学校明细从不公开；公开的是县级结果。",
    "No school in your scope is below a minimum.": "您权限范围内没有低于最低标准的学校。",
    "School-by-school shortfalls are shown to the bureaus and schools concerned; log in to see "
    "those of your schools.": "各校差距明细仅向相关教育行政部门和学校显示；请登录查看您所辖学校的明细。",
}
