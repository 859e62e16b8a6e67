"""Patterns of loose figures: ranges, approximations, fractions and head-count shares (used by ``_entities``).

All patterns run on the normalised text (simplified, half-width, lower case), whose offsets are the original's.
"""

from __future__ import annotations

import re

from nlu._numerals import ARABIC, CN_ALL, CN_DIGITS, CN_NUM, CN_PLACES

_NUMTOK = rf"(?:{ARABIC}|{CN_NUM})"
_MULT = r"(?:百万|千万|万|亿|千|w(?![a-z]))"

# "20到30家", "20-30万元", "二十至三十人", "5%~10%", "5、6家": the upper figure is read by the number pattern
# from the end of this match. A unit after the lower figure must be the upper one's.
RANGE_SEP = re.compile(
    rf"(?<![\d.:/{CN_ALL}第])(?P<lo>{_NUMTOK})\s?(?P<lomult>{_MULT})?(?P<lounit>元|%|家|人次|个人|人|名|位|次|场|个|年)?"
    rf"\s?(?P<sep>到|至|~|〜|-|—|–|、)\s?(?=[\d{CN_DIGITS}十拾])")
RANGE_SEPARATORS = "到至~〜-—–、"
# separators that also join things that are not ranges (codes, dates, lists): only with a unit after the figure
UNIT_ONLY_SEPARATORS = frozenset("-—–、")
# after a bare range (no unit): a day, an hour, a floor… is not a figure of the applicant's
BARE_RANGE_STOP = re.compile(r"\s?[日号月点时分秒岁届期楼层级]")

# 几 for an unknown digit: 十几家 is 11–19 家, 20几家 21–29 家 (after Arabic tens), 几十家 has no value (and its
# 十 is not a figure either). Idioms made of digits are not figures. 数 after 人/次/个… is part of a word (人数十人
# is 人数 + 十人).
VAGUE = re.compile(
    r"(?P<idiom>乱七八糟|七七八八|八九不离十|十之八九|一五一十|三三两两|三五成群|七上八下|七嘴八舌|五湖四海)"
    rf"|(?<![{CN_ALL}\d])(?:(?<!\.)(?P<apre>\d{{0,3}}[1-9]0)(?=几)|(?P<pre>(?:[{CN_DIGITS}十拾][{CN_ALL}]*)?[{CN_PLACES}]))?"
    rf"(?P<ji>好几|几|(?<![人次家总个户岁分指参函系倍基位])数(?=[{CN_PLACES}]))(?P<suf>[{CN_PLACES}]*)")
# what VAGUE needs: 几, 数 or the start of an idiom
VAGUE_HINTS = ("几", "数", "七八", "八九", "一五", "三三", "三五", "七上", "七嘴", "五湖")
# two neighbouring digits that name days, months, weekdays or ordinals, not a range of figures
PAIR_BEFORE_STOP = re.compile(r"(?:第|周|初|星期|礼拜)$")
PAIR_AFTER_STOP = re.compile(r"\s?(?:月|日|号|年级|级|届)")

# 三分之二, 2/3 (not a date or a score: small figures, numerator below the denominator), 一半
FRACTION = re.compile(rf"(?<![\d.{CN_ALL}])(?P<den>{_NUMTOK}|千|万)\s?分之\s?(?P<num>{_NUMTOK})")
SLASH_FRACTION = re.compile(
    r"(?<![\d./:\-])(?<!第)(?<!第\s)(?P<num>\d{1,2})\s?/\s?(?P<den>\d{1,3})(?![\d./%])"
    r"(?!\s?(?:分|星|颗|页|号|日|月|年|期|次|项|题|条|章|节|步|轮|届|名|前|截|之前|以前|班|楼|层|栋|单元|室|路))")
HALF = re.compile(r"(?<!另)一半(?!年)")

# Head counts: "15个人里8个本科", "一共15个人，其中8个有中级职称", "8个本科，总共15人". The share is the part
# figure; the whole stays a count of its own.
_PERSON = r"(?:个人|人|名|位|个(?=(?:专职|技术|工作|服务|专业)?(?:人员|员工|职工|同事|成员)))"
_STAFF = r"(?:的)?(?:专业技术人员|技术人员|工作人员|服务人员|专业人员|员工|职工|人员|同事|成员)?"
_TOTAL = r"(?:总共|一共|共计|总计|合计|共有|共)(?:是|有|为)?"
_NO_FIGURE = rf"[^\d{CN_DIGITS}十。；;！!？?\n]"
_PART = (rf"(?<![\d.{CN_ALL}第])(?P<part>{_NUMTOK})\s?(?P<punit>个人|个|人|名|位)"
         r"(?!(?:服务|中介|合作|技术)?(?:企业|公司|机构|单位|客户|项目|月))")
_AMONG = r"(?:里面|里头|里边|当中|之中|中间|中|里)"
# the whole may be a bare 个 right before 里/中 ("十个里头有六个", "15个里边9个"): the share says they are people
SHARE_WITHIN = re.compile(
    rf"(?P<whole>{_NUMTOK})\s?(?:{_PERSON}{_STAFF}|(?P<bare>个)(?={_AMONG})){_AMONG}[,，\s]?"
    rf"(?P<lead>其中)?(?:有|是)?{_PART}")
SHARE_AMONG = re.compile(
    rf"(?P<staff>(?:团队|员工|职工|人员|同事|成员)(?:总数|数)?(?:有|是|为)?)?(?P<total>{_TOTAL})?(?P<whole>{_NUMTOK})\s?(?P<wunit>{_PERSON}|个)(?(staff)|(?<!个)){_STAFF}[,，、;；\s]{{0,2}}(?P<lead>其中(?:有|是)?)?"
    rf"(?P<desc>{_NO_FIGURE}{{0,10}}?)(?:有|是)?{_PART}")
# the part first: "8个本科，总共15人", "大专以上的10个，总共16个" (a bare 个 for the whole, not 个企业/个项目)
SHARE_OF_TOTAL = re.compile(
    rf"{_PART}(?P<desc>{_NO_FIGURE}{{0,12}}?){_TOTAL}\s?(?P<whole>{_NUMTOK})\s?"
    rf"(?:{_PERSON}|(?P<bare>个)(?!(?:服务|中介|合作|技术)?(?:企业|公司|机构|单位|客户|项目|月)))")
# the next part of the same whole: "15个人里8个本科，3个大专", "本科10个 大专4个" (the qualification before it)
SHARE_MORE = re.compile(rf"{_NO_FIGURE}{{0,8}}?[,，、;；\s]\s?(?:还有|另有|另外|有)?(?P<desc>{_NO_FIGURE}{{0,6}}?)"
                        rf"(?:的)?(?:有|是)?{_PART}")
# A share of a whole of the same unit, not people: "十个客户里九个都挺满意的", "一共服务了100次，其中免费的有30次",
# "50家企业中有45家满意". A subset word (里/中/其中) between the two, and a word saying what the part is
# (SHARE_PROPERTY, in the part's clause); "服务20家企业，其中小微企业15家" stays two counts.
SHARE_SAME = re.compile(
    rf"(?<![\d.{CN_ALL}第])(?P<whole>{_NUMTOK})\s?(?P<wunit>人次|次|家|个|场|项)(?P<what>{_NO_FIGURE}{{0,8}}?)"
    rf"(?:{_AMONG}[,，\s]?(?:其中)?|[,，]\s?其中)(?P<desc>{_NO_FIGURE}{{0,8}}?)(?:有|是)?"
    rf"(?P<part>{_NUMTOK})\s?(?P<punit>(?P=wunit))")
SHARE_PROPERTY = re.compile(r"满意|好评|认可|免费|公益|低收费|不收费|减免|优惠")
SHARE_SAME_HINTS = ("里", "中")
# without 里/中/其中, a share needs a word saying what the part has
QUALIFICATION = re.compile(
    r"本科|大专|专科|中专|高中|初中|硕士|研究生|博士|学历|学位|职称|中级|高级|初级|专职|兼职|持证|证书|资格"
    r"|工程师|会计师|律师|经济师|技师|专业")
# the qualification said before a part ("大专以上的10个，总共16个"), in its clause
QUALIFIED_BEFORE = re.compile(
    r"(?:本科|大专|专科|中专|硕士|研究生|博士|学历|职称|中级|高级|持证|工程师)(?:及?以上|以下)?(?:学历|职称)?"
    r"(?:的)?(?:人员|员工|人)?(?:有|是|占)?\s?$")
QUALIFIED_LOOKBACK = 12
# what the share patterns need: a word relating the part to the whole, and a person unit or noun (or 个)
SHARE_HINTS = ("里", "中", "共", "计", "团队", "员工", "职工", "人员", "同事", "成员",
               "本科", "大专", "专科", "学历", "职称", "硕士", "研究生", "博士")
SHARE_PERSONS = ("人", "名", "位", "个", "员工", "职工", "同事", "成员")

# Approximations: 大概/大约/约/差不多/将近/近… before the figure, 左右/上下/出头/开外 after it (not part of the span).
# 约 and 近 alone are not approximations inside words (签约3家, 最近3年); 近 before a duration is a period (近三年).
# Some also say which way the true value lies: ``below`` (将近/接近/快/不到/不足… "将近20家" is under 20) or
# ``least`` (至少/超过/不止… "超过20家" is 20 or more).
APPROX_BEFORE = re.compile(
    r"(?:(?P<below>将近|接近|不到|不足|不满|未满|没到|没有到|少于|低于|不超过|最多|顶多|至多|(?<![加赶尽飞很越凉爽痛愉勤])快(?:要|到)?)"
    r"|(?P<least>至少|起码|最少|超过|不止|多于|高于|不低于|不少于)"
    r"|大概|大约|约莫|大致|大体|估计|估摸|差不多"
    r"|(?<![签合预节契公制相履违解特邀毁立如践和条婚誓隐])约|(?P<near>(?<![最附邻靠亲贴将接])近))"
    r"(?:有个?|是|在|为|能有|得有|就|也就)?\s?$")
APPROX_AFTER = re.compile(
    r"\s?(?:左右|上下(?![游级班文楼册午面])|(?P<least>出头|开外|以上)"
    r"|(?P<below>(?:都|也|还)?(?:不到|不足)(?!位)|以下|以内))")
APPROX_LOOKBACK = 6
# 多/余 right after a percent ("一半多", "50%多", "三分之二多"): a lower bound, taken into the span
MORE_AFTER = re.compile(r"多(?![少吗么不了家个位名种次项人元万年月天])|余(?![额款量下])")
# 小 right before a round figure: a bit under it ("小一百万", "小两千", "小10万"), not in 大小/最小
SMALL_BEFORE = "小"
ROUND_FIGURE = re.compile(r"[一两二三四五六七八九][十百千万半]|[1-9]0*(?:\s?[十百千万]|0)")
