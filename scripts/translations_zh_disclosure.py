"""Chinese translations of the scope and disclosure strings (merged by translations_zh.py)."""

ZH = {
    "The results of this round are not published yet.": "本轮次的结果尚未发布。",
}
