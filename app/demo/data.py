"""The demo county's fixed data, shaped like Yongchun County (DOMAIN.md, "Figures from the seeds")."""

COUNTY = "永春县"

# (town, kind, its communities). The first community of each town comes first in COMMUNITIES below, so a
# small demo still spans several towns.
TOWNS = (
    ("桃城镇", "township", ("桃东社区", "桃溪社区", "留安社区", "环城社区", "花石社区", "八二三社区")),
    ("五里街镇", "township", ("五里街社区", "埔头社区", "仰贤社区", "西安社区", "大羽社区")),
    ("石鼓镇", "township", ("石鼓社区", "桃场社区", "卿园社区", "半岭社区")),
    ("蓬壶镇", "township", ("蓬壶社区", "美山社区", "西昌社区")),
    ("东平镇", "township", ("东平社区", "东关社区", "太山社区")),
    ("达埔镇", "township", ("达埔社区", "岩峰社区", "汉口社区")),
)


def _interleaved() -> tuple[tuple[str, str], ...]:
    """(community, town) in the order the demo takes them: one from each town in turn."""
    order, depth = [], max(len(c) for _, _, c in TOWNS)
    for i in range(depth):
        order += [(communities[i], town) for town, _, communities in TOWNS if i < len(communities)]
    return tuple(order)


COMMUNITIES = _interleaved()  # 24, like Yongchun

# Work units with their Party organisations: 机关 organ, 企业 enterprise, 事业单位 institution.
UNITS = (
    ("县委组织部", "organ", "中共永春县委组织部机关支部委员会"),
    ("县委宣传部", "organ", "中共永春县委宣传部机关支部委员会"),
    ("县纪委监委", "organ", "中共永春县纪委监委机关委员会"),
    ("县政府办公室", "organ", "中共永春县政府办公室支部委员会"),
    ("县发展和改革局", "organ", "中共永春县发展和改革局支部委员会"),
    ("县教育局", "organ", "中共永春县教育局委员会"),
    ("县财政局", "organ", "中共永春县财政局支部委员会"),
    ("县人力资源和社会保障局", "organ", "中共永春县人社局支部委员会"),
    ("县自然资源局", "organ", "中共永春县自然资源局委员会"),
    ("县住房和城乡建设局", "organ", "中共永春县住建局支部委员会"),
    ("县交通运输局", "organ", "中共永春县交通运输局支部委员会"),
    ("县农业农村局", "organ", "中共永春县农业农村局委员会"),
    ("县文体旅游局", "organ", "中共永春县文体旅游局支部委员会"),
    ("县卫生健康局", "organ", "中共永春县卫生健康局委员会"),
    ("县市场监督管理局", "organ", "中共永春县市场监管局委员会"),
    ("县民政局", "organ", "中共永春县民政局支部委员会"),
    ("县公安局", "organ", "中共永春县公安局委员会"),
    ("县税务局", "organ", "中共国家税务总局永春县税务局委员会"),
    ("县人民法院", "organ", "中共永春县人民法院党组机关支部委员会"),
    ("县人民检察院", "organ", "中共永春县人民检察院机关支部委员会"),
    ("县人民医院", "institution", "中共永春县医院委员会"),
    ("县中医院", "institution", "中共永春县中医院委员会"),
    ("县妇幼保健院", "institution", "中共永春县妇幼保健院支部委员会"),
    ("永春第一中学", "institution", "中共永春第一中学委员会"),
    ("永春实验小学", "institution", "中共永春实验小学支部委员会"),
    ("县融媒体中心", "institution", "中共永春县融媒体中心支部委员会"),
    ("县疾病预防控制中心", "institution", "中共永春县疾控中心支部委员会"),
    ("国网永春供电公司", "enterprise", "中共国网永春县供电公司委员会"),
    ("永春县农村信用合作联社", "enterprise", "中共永春县农村信用合作联社委员会"),
    ("中国移动永春分公司", "enterprise", "中共中国移动永春分公司支部委员会"),
    ("永春县自来水公司", "enterprise", "中共永春县自来水公司支部委员会"),
    ("永春县城市建设投资集团", "enterprise", "中共永春县城投集团委员会"),
)

# The units whose Party organisation has a secretary account in the demo.
UNIT_SECRETARIES = ("县教育局", "县人民医院", "县税务局", "国网永春供电公司")

# 8 categories, 45 sub-items: the catalogue members choose their service posts from (选岗定岗).
SERVICE_CATALOGUE = (
    ("政策宣传", ("理论宣讲", "惠民政策解读", "法律法规宣传", "反诈宣传", "医保社保政策宣传", "党史学习教育")),
    ("文明倡导", ("文明城市创建", "移风易俗", "垃圾分类督导", "文明交通劝导", "好家风宣讲", "志愿服务推广")),
    ("民意收集", ("入户走访", "议事协商", "微心愿征集", "需求清单梳理", "意见建议收集", "满意度回访")),
    ("义诊", ("健康义诊", "中医理疗", "健康讲座", "慢病随访", "心理疏导")),
    ("疫情防控", ("核酸检测协助", "疫苗接种引导", "防疫知识宣传", "卡口值守", "重点人员排查")),
    ("关爱帮扶", ("困难群众帮扶", "空巢老人陪伴", "留守儿童关爱", "助残服务", "就业创业指导", "结对助学")),
    ("环境整治", ("卫生大扫除", "绿化养护", "小区楼道清理", "违章搭建劝导", "河道巡查", "垃圾清运")),
    ("平安建设", ("治安巡逻", "矛盾纠纷调解", "消防安全检查", "禁毒宣传", "防汛防台")),
)

# Service events held in the past months: (title, category).
SERVICE_EVENTS = (
    ("义诊进社区", "义诊"),
    ("垃圾分类督导", "文明倡导"),
    ("反诈宣传进小区", "政策宣传"),
    ("平安巡逻", "平安建设"),
    ("关爱空巢老人", "关爱帮扶"),
    ("小区环境整治", "环境整治"),
)

SURNAMES = "陈林黄郑李王张刘吴蔡许杨周颜郭洪苏谢庄潘余尤康留姚叶邱卢施傅曾彭詹"
GIVEN = "建国志明秀英丽华文杰海燕婷伟强静雅俊辉晓红玉梅美玲春生永福金水淑贞家豪思远宏伟丽娟德胜清华"

COMPOUNDS = ("幸福家园", "桃源小区", "滨江花园", "金桥小区", "阳光城", "锦绣华庭", "东门小区", "香江名苑")
STREETS = ("八二三路", "环城路", "桃城路", "五里街", "留安路", "县前街", "东门路", "桃东路")
