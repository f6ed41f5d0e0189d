"""Chinese translations of the interface strings, applied to the .po file by
`python scripts/translations_zh.py` after `xietong manage makemessages -l zh_Hans`.
Keeping them in one reviewed table lets makemessages regenerate the catalogue freely."""

import re
import sys
from pathlib import Path

import polib

ZH = {
    "display name": "显示名称",
    "preferred language": "首选语言",
    "user": "用户",
    "users": "用户",
    "Area secretariat": "合作区秘书处",
    "Education bureau": "教育行政部门",
    "School administrator": "学校管理员",
    "Teacher": "教师",
    "Public": "公众",
    "role": "角色",
    "cooperation area": "合作区",
    "jurisdiction": "行政区",
    "school": "学校",
    "granted at": "授予时间",
    "role assignment": "角色授权",
    "role assignments": "角色授权",
    "name": "名称",
    "When set, the token acts only with this one of its user's roles.": "设置后，该令牌只以其用户的这一个角色行事。",
    "API token": "API 令牌",
    "API tokens": "API 令牌",
    "%(user)s may not %(what)s.": "%(user)s 无权%(what)s。",
    "%(user)s may not grant this role.": "%(user)s 无权授予该角色。",
    "Only administrators create accounts.": "只有管理员可以创建账户。",
    "A user named %(name)s already exists.": "用户 %(name)s 已存在。",
    "Only the user or an administrator creates that user's tokens.": "只有用户本人或管理员可以为其创建令牌。",
    "The role belongs to another user.": "该角色属于其他用户。",
    "A token needs a name.": "令牌需要名称。",
    "Only the token's user or an administrator revokes it.": "只有令牌所属用户或管理员可以撤销。",
    "sequence": "序号",
    "time": "时间",
    "actor": "操作者",
    "actor label": "操作者名称",
    "action": "操作",
    "object type": "对象类型",
    "object id": "对象标识",
    "before": "变更前",
    "after": "变更后",
    "audit entry": "审计记录",
    "audit entries": "审计记录",
    "Province-level": "省级",
    "Prefecture-level city": "地级市",
    "County / district": "县（区）",
    "code": "代码",
    "level": "层级",
    "parent": "上级",
    "Chinese name": "中文名称",
    "English name": "英文名称",
    "full Chinese name": "中文全称",
    "longitude": "经度",
    "latitude": "纬度",
    "statistical placeholder": "统计用占位区划",
    "Code rows such as 市辖区 that group districts and hold no schools themselves.": "如“市辖区”等只用于归并区县、本身没有学校的代码行。",
    "jurisdictions": "行政区",
    "identifier": "标识",
    "Chinese description": "中文简介",
    "English description": "英文简介",
    "parent area": "上级合作区",
    "members": "成员",
    "secretariat (Chinese)": "秘书处（中文）",
    "secretariat (English)": "秘书处（英文）",
    "secretariat host": "秘书处所在地",
    "established": "成立日期",
    "cooperation areas": "合作区",
    "joined": "加入日期",
    "Only administrators load the division tree.": "只有管理员可以加载行政区划。",
    "Only administrators create cooperation areas.": "只有管理员可以创建合作区。",
    "Unknown jurisdiction codes: %(codes)s": "未知的行政区划代码：%(codes)s",
    "A cooperation area needs at least one member.": "合作区至少需要一个成员。",
    "An area with identifier %(slug)s already exists.": "标识为 %(slug)s 的合作区已存在。",
    "edit this cooperation area": "编辑该合作区",
    "change the members of a cooperation area": "修改合作区成员",
    "Primary": "小学",
    "Junior secondary": "初中",
    "Nine-year (primary + junior)": "九年一贯制",
    "Senior secondary": "高中",
    "Complete secondary (junior + senior)": "完全中学",
    "Twelve-year": "十二年一贯制",
    "Secondary vocational": "中等职业学校",
    "Special education": "特殊教育学校",
    "Urban": "城区",
    "Town": "镇区",
    "Rural": "乡村",
    "Private": "民办",
    "school code": "学校代码",
    "stage": "学段",
    "county": "县（区）",
    "urban / town / rural": "城乡分类",
    "ownership": "办学性质",
    "open": "在办",
    "synthetic demo record": "演示用合成数据",
    "Generated demo data, not a real school.": "生成的演示数据，并非真实学校。",
    "schools": "所学校",
    "Raw count": "原始数",
    "Derived ratio": "派生比值",
    "kind": "类别",
    "unit (Chinese)": "单位（中文）",
    "unit (English)": "单位（英文）",
    "definition (Chinese)": "定义（中文）",
    "definition (English)": "定义（英文）",
    "whole numbers only": "仅限整数",
    "indicator": "指标",
    "indicators": "指标",
    "year": "年份",
    "value": "数值",
    "school statistic": "学校统计数据",
    "school statistics": "学校统计数据",
    "published at": "发布时间",
    "Unknown stage %(v)s.": "未知学段 %(v)s。",
    "Unknown location %(v)s.": "未知城乡分类 %(v)s。",
    "Unknown ownership %(v)s.": "未知办学性质 %(v)s。",
    "Longitude must be between -180 and 180.": "经度须在 -180 到 180 之间。",
    "Latitude must be between -90 and 90.": "纬度须在 -90 到 90 之间。",
    "No county with code %(code)s.": "没有代码为 %(code)s 的县（区）。",
    "add schools in %(c)s": "在 %(c)s 新增学校",
    "School code %(code)s is empty or already used.": "学校代码 %(code)s 为空或已被使用。",
    "A school needs a Chinese name.": "学校需要中文名称。",
    "change school %(c)s": "修改学校 %(c)s",
    "Fields that cannot be changed: %(f)s": "不可修改的字段：%(f)s",
    "you have no role that may write statistics": "您没有可以填报统计数据的角色",
    "write statistics of %(c)s": "填报 %(c)s 的统计数据",
    "publish statistics of %(c)s": "发布 %(c)s 的统计数据",
    "Simplified Chinese": "简体中文",
    "English": "English",
    "Overview": "概览",
    "Schools": "学校",
    "Import statistics": "导入统计数据",
    "Evaluation": "督导评估",
    "Talent": "人才流动",
    "Finance": "经费协同",
    "Resources": "资源共享",
    "Consultation": "协商决策",
    "Log in": "登录",
    "Wrong user name or password.": "用户名或密码错误。",
    "User name": "用户名",
    "Password": "密码",
    "Account": "账户",
    "Roles": "角色",
    "Role": "角色",
    "Scope": "范围",
    "Administrator": "管理员",
    "No roles: public access only.": "没有角色：仅可访问公开信息。",
    "Copy this token now; it is not shown again:": "请立即复制该令牌，之后不再显示：",
    "Name": "名称",
    "Acts as": "身份",
    "all my roles": "我的全部角色",
    "Create token": "创建令牌",
    "Prefix": "前缀",
    "Created": "创建时间",
    "Last used": "最近使用",
    "revoked": "已撤销",
    "Revoke": "撤销",
    "within": "隶属",
    "Secretariat": "秘书处",
    "Sub-areas": "下设合作区",
    "Public view: released aggregates only.": "公众视图：仅显示已发布的汇总数据。",
    "Members": "成员",
    "Member": "成员",
    "Code": "代码",
    "Year": "年份",
    "Students": "在校生",
    "Teachers": "专任教师",
    "Student-teacher ratio": "生师比",
    "Building m² per student": "生均校舍面积（平方米）",
    "Instrument yuan per student": "生均仪器设备值（元）",
    "no released statistics": "尚无已发布数据",
    "Download CSV": "下载 CSV",
    "demo data is synthetic": "演示数据为合成数据",
    "Map of schools": "学校分布图",
    "Xietong": "协同",
    "Xietong regional education coordination": "协同·区域教育一体化平台",
    "Modules": "模块",
    "Planned module": "规划中的模块",
    "Language": "语言",
    "Switch": "切换",
    "Log out": "退出",
    "Xietong — open-source software for regional education integration.": "协同——区域教育一体化的开源软件。",
    "Cooperation areas": "合作区",
    "Neighbouring jurisdictions running their schools as one system: measure the gap, circulate teachers, money and resources, decide together.": "相邻地区把学校作为一个整体来办：测量差距，促进师资、经费和资源流动，共同决策。",
    "You are viewing as the public: only released aggregates are shown. Log in for your jurisdiction's data.": "您正以公众身份浏览：只显示已发布的汇总数据。登录后可查看本辖区数据。",
    "students": "名在校生",
    "No released statistics yet.": "尚无已发布的统计数据。",
    "Part of": "隶属",
    "Upload a CSV or XLSX file in the template layout: one row per school and year, one column per raw indicator. A file with any problem writes nothing; re-importing the same school and year updates the values.": "按模板格式上传 CSV 或 XLSX 文件：每所学校每年一行，每个原始指标一列。文件中只要有一处问题就不写入任何数据；重复导入同一学校同一年份会更新数值。",
    "Template": "模板",
    "Export what you may see": "导出可见数据",
    "File": "文件",
    "Import": "导入",
    "Values": "数值个数",
    "Years": "年份",
    "New values": "新增数值",
    "Updated values": "更新数值",
    "Row": "行",
    "Column": "列",
    "Problem": "问题",
    "Indicator codes": "指标代码",
    "Unit": "单位",
    "Schools here": "本地学校",
    "Parts": "下辖区域",
    "Map": "地图",
    "closed": "已停办",
    "This school's statistics are visible to its school administrators and the bureaus above it.": "本校统计数据仅对学校管理员及上级教育行政部门可见。",
    "No statistics reported yet.": "尚未填报统计数据。",
    "Yearly statistics": "历年统计数据",
    "Indicator": "指标",
    "School records are visible to the bureaus, secretariats and schools they belong to. Log in to see yours.": "学校信息仅对所属教育行政部门、合作区秘书处和学校本身可见。请登录查看。",
    "Search": "搜索",
    "name or code": "名称或代码",
    "Within jurisdiction (code)": "所属行政区（代码）",
    "Area": "合作区",
    "Stage": "学段",
    "Location": "城乡分类",
    "Filter": "筛选",
    "County": "县（区）",
    "Ownership": "办学性质",
    "synthetic": "合成数据",
    "No schools.": "没有学校。",
    "previous": "上一页",
    "next": "下一页",
    "Students by member and year": "各成员历年在校生数",
    "Student-teacher ratio, latest year": "最新年份生师比",
    "Students by year": "历年在校生数",
    "No such school in your scope.": "您的权限范围内没有该学校。",
    "Teachers per 100 students": "每百名学生教师数",
    "Space and books per student": "生均面积与图书",
    "Yuan per student": "生均经费（元）",
    "Size": "规模",
    "Choose a CSV or XLSX file.": "请选择 CSV 或 XLSX 文件。",
    "Imported %(n)d values from %(f)s.": "已从 %(f)s 导入 %(n)d 个数值。",
    "Token revoked.": "令牌已撤销。",
    "%(n)s schools": "%(n)s 所学校",
    "standard": "标准",
    "standard version": "标准版本",
    "standard as applied": "所用标准",
    "combined-school rule": "一贯制学校拆分规则",
    "input fingerprint": "输入数据指纹",
    "schools in input": "输入学校数",
    "counties": "县（区）数",
    "counties passing": "达标县（区）数",
    "excluded schools": "未纳入的学校",
    "notes": "备注",
    "created at": "创建时间",
    "evaluation": "评估",
    "evaluations": "评估",
    "status": "状态",
    "Choose either a cooperation area or a jurisdiction.": "请选择一个合作区或一个行政区。",
    "evaluate this area": "评估该合作区",
    "evaluate this jurisdiction": "评估该行政区",
    "%(std)s has no stage %(stage)s.": "%(std)s 不含学段 %(stage)s。",
    "No schools in this scope.": "该范围内没有学校。",
    "publish this evaluation": "发布该评估",
    "Evaluations": "评估记录",
    "Composite CV": "综合差异系数",
    "School pass rate": "学校达标率",
    "County value": "县域值",
    "Minimum": "最低标准",
    "Schools below the minimum": "未达最低标准的学校数",
    "Schools below a minimum": "未达最低标准的学校",
    "School": "学校",
    "Value": "数值",
    "Shortfall": "差额",
    "Share of minimum": "达到标准的比例",
    "Every school meets every minimum.": "所有学校均达到各项最低标准。",
    "Gap": "差距",
    "The gap in": "差距分析：",
    "All schools": "全部学校",
    "Show": "显示",
    "No released statistics to analyse for this area yet.": "该合作区尚无可分析的已发布统计数据。",
    "Theil T across schools, weighted by enrolment, split exactly into the part between members, between counties inside each member, and within counties.": "以在校生数加权的学校间泰尔指数，精确分解为成员之间、成员内部县际之间和县域内部三部分。",
    "σ-convergence across counties": "县际 σ 收敛",
    "slope of the CV per year": "差异系数年变化斜率",
    "gap narrowing": "差距在缩小",
    "gap not narrowing": "差距未缩小",
    "β-convergence": "β 收敛",
    "half-life": "半衰期",
    "years": "年",
    "Table": "数据表",
    "Mean": "均值",
    "between members": "成员之间",
    "between counties within members": "成员内部县际之间",
    "within counties": "县域内部",
    "Supervision and evaluation": "督导评估",
    "County balance under the Ministry of Education's standards, and the gap between and within members.": "按教育部标准评估县域均衡，测量成员之间和成员内部的差距。",
    "Gap dashboards": "差距看板",
    "Run an evaluation": "开展评估",
    "Standard": "标准",
    "Evaluate": "评估",
    "Counties": "县（区）",
    "Passing": "达标",
    "Published": "发布",
    "Fingerprint": "指纹",
    "draft": "草稿",
    "No evaluations you may see yet.": "暂无您可查看的评估。",
    "%(p)s of %(n)s counties pass; %(s)s schools read.": "%(n)s 个县（区）中 %(p)s 个达标；读取 %(s)s 所学校。",
    "Input fingerprint": "输入数据指纹",
    "published": "已发布",
    "Publish": "发布",
    "Check against the current data": "与当前数据核对",
    "Status": "状态",
    "pass": "达标",
    "fail": "未达标",
    "no schools": "无学校",
    "Evaluation finished: %(p)d of %(n)d counties pass.": "评估完成：%(n)d 个县（区）中 %(p)d 个达标。",
    "No such evaluation in your scope.": "您的权限范围内没有该评估。",
    "Counties passing and failing by province": "各省达标与未达标县（区）数",
    "Median county CV per indicator, against the threshold": "各指标县域差异系数中位数与标准",
    "County compliance": "县域达标情况",
    "CV per indicator": "各指标差异系数",
    "Published.": "已发布。",
    "The registry still gives the same inputs: fingerprint %(f)s.": "当前数据与评估时一致：指纹 %(f)s。",
    "The inputs changed since this run (now %(f)s): run it again to compare.": "评估后数据已变化（现为 %(f)s）：请重新评估以作比较。",
    "Theil T of %(x)s, decomposed": "%(x)s 的泰尔指数分解",
    "Members side by side: %(x)s": "成员对比：%(x)s",
    "whole area": "全合作区",
    "Convergence: CV across schools": "收敛：学校间差异系数",
    "A school code is 1 to 20 letters, digits or hyphens.": "学校代码须为 1 至 20 位字母、数字或连字符。",
}
PLURALS = {
    "%(n)s problem; nothing was imported.": "%(n)s 处问题，未导入任何数据。",
    "%(n)s school": "%(n)s 所学校",
}


def _extra() -> tuple[dict, dict]:
    """Tables for later modules live beside this file (translations_zh_*.py)."""
    import importlib.util

    zh, plurals = {}, {}
    for extra in sorted(Path(__file__).parent.glob("translations_zh_*.py")):
        spec = importlib.util.spec_from_file_location(extra.stem, extra)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        zh.update(getattr(module, "ZH", {}))
        plurals.update(getattr(module, "PLURALS", {}))
    return zh, plurals


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdrifgeExX]|%[sdrif]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text) and [m.group(0) for m in PLACEHOLDER.finditer(text)])


def main(path: str) -> int:
    extra_zh, extra_plurals = _extra()
    ZH.update(extra_zh)
    PLURALS.update(extra_plurals)
    po = polib.pofile(path)
    missing = []
    for entry in po:
        # makemessages guesses "fuzzy" translations from similar strings; never keep a guess
        if entry.msgid_plural:
            if entry.msgid in PLURALS:
                entry.msgstr_plural = {0: PLURALS[entry.msgid]}
            else:
                entry.msgstr_plural = {0: ""}
                missing.append(entry.msgid)
        elif entry.msgctxt and f"{entry.msgctxt}\x04{entry.msgid}" in ZH:
            entry.msgstr = ZH[f"{entry.msgctxt}\x04{entry.msgid}"]
        elif entry.msgid in ZH and not entry.msgctxt:
            entry.msgstr = ZH[entry.msgid]
        else:
            entry.msgstr = ""
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(path)
    po.save_as_mofile(str(Path(path).with_suffix(".mo")))
    bad = []
    for entry in po:
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and placeholders(text) != placeholders(entry.msgid):
                bad.append(entry.msgid)
    for m in missing:
        print(f"untranslated: {m!r}", file=sys.stderr)
    for m in bad:
        print(f"placeholders differ: {m!r}", file=sys.stderr)
    return 1 if missing or bad else 0


if __name__ == "__main__":
    raise SystemExit(
        main(
            sys.argv[1] if len(sys.argv) > 1 else "src/xietong/locale/zh_Hans/LC_MESSAGES/django.po"
        )
    )
