"""Chinese for the evaluation rules: incomplete counties, reasons in words, per-stage teacher
columns (applied by translations_zh.py, which reads every translations_zh_*.py beside it)."""

ZH = {
    "primary": "小学",
    "junior secondary": "初中",
    "senior secondary": "高中",
    "incomplete data": "数据不全",
    "%(indicator)s: CV %(cv).3f is above the limit %(threshold)s.": "%(indicator)s：差异系数 %(cv).3f 高于限值 %(threshold)s。",
    "The composite CV %(cv).3f is above the limit %(threshold)s.": "综合差异系数 %(cv).3f 高于限值 %(threshold)s。",
    "%(indicator)s: no school has any, so the CV is undefined.": "%(indicator)s：各校均为零，差异系数无法计算。",
    "%(n_failing)s of %(n_schools)s schools do not meet the school standard (required pass rate %(rate)s%%).": "%(n_schools)s 所学校中有 %(n_failing)s 所未达到学校标准（要求达标率 %(rate)s%%）。",
    "No school of this stage to evaluate.": "没有该学段的学校可供评估。",
    "Only one school: every CV is 0 by the formula.": "只有一所学校：按公式各项差异系数均为 0。",
    "%(n_missing)s of %(n_schools)s schools lack data the standard needs: the county cannot be judged until they report.": "%(n_schools)s 所学校中有 %(n_missing)s 所缺少标准所需的数据：在其上报之前，无法对该县作出评估结论。",
    "missing: %(columns)s": "缺少：%(columns)s",
    "teaching point with %(students)s students (under %(min)s): left out": "教学点，学生 %(students)s 人（不足 %(min)s 人）：不参与评估",
    "The rule on small teaching points could not be applied: no school type data.": "缺少办学类型数据，无法适用小规模教学点规则。",
    "no pupils in this stage: left out": "该学段无学生：不参与评估",
    "this kind of school is not evaluated: left out": "此类学校不参与评估",
    "combined school left out under the chosen rule": "按所选规则，一贯制学校不参与评估",
    "Schools without the data": "缺少数据的学校",
    "What is missing": "缺少的数据",
}
