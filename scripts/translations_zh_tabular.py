"""Chinese for the bounded reader and safe writer of tables (xietong.tabular) and the statistics
import's messages (applied by translations_zh.py, which reads every translations_zh_*.py beside
it)."""

ZH = {
    # problems: where
    "%(file)s: %(message)s": "%(file)s：%(message)s",
    "%(file)s: row %(row)d, column %(column)s: %(message)s": "%(file)s：第 %(row)d 行，%(column)s 列：%(message)s",
    "%(file)s: row %(row)d: %(message)s": "%(file)s：第 %(row)d 行：%(message)s",
    "... and %(n)d more": "……另有 %(n)d 个",
    "Read the file as %(encoding)s text.": "已按 %(encoding)s 编码读取该文件。",
    # size and shape
    "the file is %(size)s; files up to %(limit)s can be imported": "文件大小为 %(size)s；可导入的文件最大为 %(limit)s",
    "reading stopped after %(s)d seconds at this row; split the file into smaller files": "读取 %(s)d 秒后在此行停止；请把文件拆分为几个较小的文件",
    "the file has more than %(n)d rows; split it into smaller files": "文件超过 %(n)d 行；请把文件拆分为几个较小的文件",
    "a value beyond the first %(n)d columns; remove it or split the file": "前 %(n)d 列之外还有数值；请删除该值或拆分文件",
    "the cell has %(n)d characters (at most %(max)d)": "该单元格有 %(n)d 个字符（最多 %(max)d 个）",
    "the sheet cannot be read here (%(error)s)": "工作表在此处无法读取（%(error)s）",
    "the row cannot be read as CSV (%(error)s)": "该行无法按 CSV 读取（%(error)s）",
    "the row contains NUL characters; this is not a text file": "该行含有 NUL 字符；这不是文本文件",
    # what the file is
    "a ZIP archive (an XLSX workbook?)": "ZIP 压缩包（XLSX 工作簿？）",
    "an old Excel .xls workbook": "旧版 Excel .xls 工作簿",
    "a PNG image": "PNG 图片",
    "a JPEG image": "JPEG 图片",
    "a GIF image": "GIF 图片",
    "a PDF document": "PDF 文档",
    "a text file (CSV?)": "文本文件（CSV？）",
    "this is not an XLSX workbook but %(what)s; save it from Excel as .xlsx, or give a CSV file the .csv extension": "这不是 XLSX 工作簿，而是%(what)s；请在 Excel 中另存为 .xlsx，CSV 文件请使用 .csv 扩展名",
    "old .xls workbooks are not read; save it from Excel as .xlsx": "不读取旧版 .xls 工作簿；请在 Excel 中另存为 .xlsx",
    "this is not CSV text but %(what)s; save it as CSV UTF-8, or give an XLSX workbook the .xlsx extension": "这不是 CSV 文本，而是%(what)s；请另存为“CSV UTF-8”，XLSX 工作簿请使用 .xlsx 扩展名",
    "unsupported file type %(s)r; use .csv or .xlsx": "不支持的文件类型 %(s)r；请使用 .csv 或 .xlsx",
    # workbooks
    "the workbook has %(n)d parts; this is not a spreadsheet": "该工作簿包含 %(n)d 个部件；这不是电子表格",
    "part %(part)s of the workbook unpacks %(ratio)d times larger than it is stored (at most %(max)d); the file is refused as a ZIP bomb": "工作簿部件 %(part)s 解压后是压缩大小的 %(ratio)d 倍（最多 %(max)d 倍）；该文件作为“压缩炸弹”被拒绝",
    "the workbook's text table unpacks to %(size)s (at most %(max)s)": "工作簿的文本表解压后为 %(size)s（最多 %(max)s）",
    "the workbook unpacks to %(size)s (at most %(max)s)": "工作簿解压后为 %(size)s（最多 %(max)s）",
    "the workbook cannot be read (%(error)s); open it in Excel and save it as .xlsx": "无法读取该工作簿（%(error)s）；请在 Excel 中打开并另存为 .xlsx",
    "reading the workbook's text table stopped after %(n)d entries; split the file into smaller files": "读取工作簿文本表 %(n)d 项后停止；请把文件拆分为几个较小的文件",
    # text encodings
    "byte %(pos)d cannot be read as %(enc)s text; save the file as CSV UTF-8": "第 %(pos)d 个字节无法按 %(enc)s 编码读取；请把文件另存为“CSV UTF-8”",
    # numbers
    "%(v)r uses digits of another script (%(ch)s, %(name)s); use the digits 0-9": "%(v)r 使用了其他文字的数字（%(ch)s，%(name)s）；请使用数字 0-9",
    "%(v)r contains %(ch)s (%(name)s), which is not a plain digit; use the digits 0-9": "%(v)r 含有 %(ch)s（%(name)s），这不是普通数字；请使用数字 0-9",
    "%(v)r is typed in full-width characters; use half-width digits 0-9 and a point": "%(v)r 是全角字符；请使用半角数字 0-9 和半角小数点",
    "%(v)r: a comma may only separate thousands (12,500); write decimals with a point (12.5)": "%(v)r：逗号只能用作千位分隔符（12,500）；小数请用小数点（12.5）",
    "%(v)r is in scientific notation, which loses digits; format the column as a number and save the file again": "%(v)r 是科学计数法，会丢失数位；请把该列设为“数值”格式后重新保存文件",
    "%(v)r is not a number": "%(v)r 不是数字",
    "%(v)r is too large (at most %(n)d digits before the decimal point)": "%(v)r 过大（小数点前最多 %(n)d 位）",
    # statistics import
    "missing column %(c)r": "缺少列 %(c)r",
    "column %(c)r appears twice": "列 %(c)r 出现了两次",
    "column without a name": "该列没有列名",
    "unknown indicator %(c)r; see the template for valid codes": "未知指标 %(c)r；有效代码见模板",
    "%(c)r is a derived ratio; give the raw counts it is computed from": "%(c)r 是派生比率；请填写计算它所用的原始数",
    "no indicator columns": "没有指标列",
    "empty school code": "学校代码为空",
    "no school with code %(c)r in the registry": "登记册中没有代码为 %(c)r 的学校",
    "you may not write statistics of school %(c)s": "你无权填报学校 %(c)s 的统计数据",
    "unknown raw indicator %(c)r": "未知的原始指标 %(c)r",
    "%(c)s %(y)s %(i)s was already given in row %(r)d": "%(c)s %(y)s %(i)s 已在第 %(r)d 行给出",
    "the file has no values": "文件中没有数值",
    "year %(v)r is not a whole number": "年份 %(v)r 不是整数",
    "year %(y)s is outside %(lo)d-%(hi)d": "年份 %(y)s 不在 %(lo)d-%(hi)d 范围内",
    "%(v)s is negative": "%(v)s 是负数",
    "%(v)s must be a whole number (a count)": "%(v)s 必须是整数（这是计数）",
    "%(v)s has more than two decimal places": "%(v)s 超过两位小数",
    "%(v)s is too large": "%(v)s 过大",
    # the page shown for a refused upload
    "File refused": "文件被拒绝",
    "Files up to %(limit)s can be imported. Split a larger file into several files, or ask the operator to raise XIETONG_UPLOAD_MAX_BYTES.": "可导入的文件最大为 %(limit)s。请把较大的文件拆分为几个文件，或请运维人员调高 XIETONG_UPLOAD_MAX_BYTES。",
    "Back": "返回",
}
PLURALS = {
    "%(n)d problem; nothing was imported:": "%(n)d 个问题；未导入任何内容：",
}
