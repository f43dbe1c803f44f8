"""Word lists the demo generator builds realistic Chinese names from.

These are data, not user-interface text: a demo organization is named in Chinese in every UI language, like the
real records an installation holds. Sectors are grouped by the category an organization of that sector registers
under, and by the agency that supervises it where registration is not direct (业务主管单位)."""

# Sector words for social groups (社会团体), with the category they register under and, for categories that
# still need a supervising unit, the agency suffix (appended to the region name: "五华区" + "教育体育局").
SOCIAL_GROUP_SECTORS = [
    # (sector, category, supervising agency or "" for direct registration)
    ("餐饮", "industry_association", ""), ("烹饪", "industry_association", ""), ("旅游", "industry_association", ""),
    ("物流", "industry_association", ""), ("建筑业", "industry_association", ""),
    ("房地产", "industry_association", ""),
    ("汽车流通", "industry_association", ""), ("电子商务", "industry_association", ""),
    ("软件和信息服务业", "industry_association", ""), ("茶叶", "industry_association", ""),
    ("咖啡", "industry_association", ""), ("花卉", "industry_association", ""), ("中药材", "industry_association", ""),
    ("家政服务", "industry_association", ""), ("美容美发", "industry_association", ""),
    ("物业管理", "industry_association", ""), ("酒店", "industry_association", ""),
    ("民宿", "industry_association", ""), ("食品", "industry_association", ""),
    ("珠宝玉石", "industry_association", ""),
    ("建材", "industry_association", ""), ("农产品流通", "industry_association", ""),
    ("个体劳动者", "industry_association", ""), ("私营企业", "industry_association", ""),
    ("小微企业", "industry_association", ""), ("道路运输", "industry_association", ""),
    ("广告", "industry_association", ""), ("会展", "industry_association", ""), ("印刷", "industry_association", ""),
    ("科学技术", "science_technology", ""), ("农学", "science_technology", ""), ("计算机", "science_technology", ""),
    ("地理", "science_technology", ""), ("气象", "science_technology", ""), ("水利", "science_technology", ""),
    ("土木建筑", "science_technology", ""), ("生态学", "science_technology", ""),
    ("科普", "science_technology", ""), ("药学", "science_technology", ""),
    ("慈善", "charity", ""), ("志愿者", "charity", ""), ("扶贫开发", "charity", ""), ("助残", "charity", ""),
    ("关心下一代工作", "charity", ""), ("红十字", "charity", ""), ("老龄事业", "charity", ""),
    ("社区服务", "community_service", ""), ("社区文化", "community_service", ""),
    ("社区治理", "community_service", ""), ("乡村振兴", "community_service", ""),
    ("书法家", "other", "文学艺术界联合会"), ("美术家", "other", "文学艺术界联合会"),
    ("摄影家", "other", "文学艺术界联合会"), ("音乐家", "other", "文学艺术界联合会"),
    ("作家", "other", "文学艺术界联合会"), ("民间文艺家", "other", "文学艺术界联合会"),
    ("围棋", "other", "体育局"), ("象棋", "other", "体育局"), ("足球", "other", "体育局"), ("篮球", "other", "体育局"),
    ("登山", "other", "体育局"), ("武术", "other", "体育局"), ("老年人体育", "other", "体育局"),
    ("钓鱼", "other", "体育局"), ("乒乓球", "other", "体育局"), ("健身气功", "other", "体育局"),
    ("教育", "other", "教育体育局"), ("家庭教育", "other", "教育体育局"), ("职业教育", "other", "教育体育局"),
    ("医学", "other", "卫生健康局"), ("护理", "other", "卫生健康局"), ("中医药", "other", "卫生健康局"),
    ("医师", "other", "卫生健康局"), ("律师", "other", "司法局"), ("人民调解", "other", "司法局"),
    ("会计", "other", "财政局"), ("注册税务师", "other", "财政局"), ("收藏家", "other", "文化和旅游局"),
    ("非物质文化遗产保护", "other", "文化和旅游局"), ("历史文化研究", "other", "社会科学界联合会"),
    ("民族文化", "other", "民族宗教事务局"), ("退役军人", "other", "退役军人事务局"),
    ("残疾人", "other", "残疾人联合会"), ("妇女儿童发展", "other", "妇女联合会"),
    ("青年创业", "other", "共青团委员会"), ("人力资源服务", "other", "人力资源和社会保障局"),
    ("质量管理", "other", "市场监督管理局"), ("消费者", "other", "市场监督管理局"),
    ("生态环境保护", "other", "生态环境局"), ("林业", "other", "林业和草原局"), ("畜牧", "other", "农业农村局"),
    ("农村专业技术", "other", "科学技术协会"),
]

# What a social group calls itself: chosen after the sector.
SOCIAL_GROUP_SUFFIXES = {
    "industry_association": ["行业协会", "协会", "商会", "行业商会", "同业公会", "产业联合会"],
    "science_technology": ["学会", "研究会", "科学技术协会", "学术交流促进会"],
    "charity": ["协会", "会", "促进会", "联合会", "总会"],
    "community_service": ["协会", "促进会", "联合会"],
    "other": ["协会", "学会", "研究会", "促进会", "联合会", "联谊会"],
}

# Private non-enterprise units (民办非企业单位 / 社会服务机构): (service, category, supervising agency).
PRIVATE_UNIT_SERVICES = [
    ("社会工作服务中心", "community_service", ""), ("社区服务中心", "community_service", ""),
    ("邻里互助服务中心", "community_service", ""), ("居家养老服务中心", "community_service", ""),
    ("社区发展中心", "community_service", ""), ("志愿服务中心", "charity", ""), ("公益服务中心", "charity", ""),
    ("助残服务中心", "charity", ""), ("儿童关爱中心", "charity", ""), ("应急救援服务中心", "charity", ""),
    ("科技服务中心", "science_technology", ""), ("技术研究院", "science_technology", ""),
    ("科技成果转化中心", "science_technology", ""),
    ("幼儿园", "other", "教育体育局"), ("培训学校", "other", "教育体育局"), ("艺术培训学校", "other", "教育体育局"),
    ("职业技能培训学校", "other", "人力资源和社会保障局"), ("学校", "other", "教育体育局"),
    ("托育中心", "other", "卫生健康局"), ("门诊部", "other", "卫生健康局"), ("诊所", "other", "卫生健康局"),
    ("康复医院", "other", "卫生健康局"), ("中医馆", "other", "卫生健康局"), ("医院", "other", "卫生健康局"),
    ("养老院", "other", "民政局"), ("敬老院", "other", "民政局"), ("老年公寓", "other", "民政局"),
    ("康养中心", "other", "民政局"), ("心理咨询服务中心", "other", "卫生健康局"),
    ("体育俱乐部", "other", "体育局"), ("游泳馆", "other", "体育局"), ("文化艺术中心", "other", "文化和旅游局"),
    ("博物馆", "other", "文化和旅游局"), ("图书馆", "other", "文化和旅游局"),
    ("人才交流服务中心", "other", "人力资源和社会保障局"), ("法律服务所", "other", "司法局"),
    ("环境保护服务中心", "other", "生态环境局"), ("农业技术服务中心", "other", "农业农村局"),
]

# Brand words private units and foundations are named with ("五华区" + "阳光" + "社会工作服务中心").
BRAND_WORDS = [
    "阳光", "爱心", "启明", "晨曦", "春晖", "彩虹", "明德", "博雅", "育才", "新星", "育英", "同心", "和谐", "康乐",
    "福寿", "长青", "夕阳红", "馨悦", "安康", "仁和", "惠民", "善行", "德润", "蓝天", "绿洲", "金色年华", "童心",
    "未来", "希望", "星光", "益友", "乐群", "恒爱", "朝阳", "书香", "知行", "致远", "鸿志", "致和", "泰康",
    "睿智", "智慧", "弘文", "尚德", "厚德", "天使", "雏鹰", "小太阳", "百合", "向日葵", "银杏", "松柏", "翠湖",
    "七彩", "云岭", "红土地", "山水", "田园", "乡情", "邻里", "众合", "心连心", "携手", "同行", "暖心", "温馨",
]

FOUNDATION_PURPOSES = [
    "青少年发展", "教育发展", "扶贫", "慈善", "红十字", "老年事业", "残疾人福利", "见义勇为", "文化发展",
    "体育发展", "生态环境保护", "妇女儿童发展", "助学", "医疗救助", "乡村振兴", "科技创新", "法律援助",
]

# Reasons a registration ended.
DEREGISTRATION_REASONS = [
    "完成章程规定的宗旨，自行解散", "因分立、合并需要注销", "理事会决议终止", "业务主管单位撤销批准",
    "举办者申请终止", "无法按照章程规定的宗旨继续开展活动",
]
REVOCATION_REASONS = [
    "连续两年未参加年度检查", "未按规定办理变更登记且拒不改正", "从事营利性经营活动，情节严重",
    "违反章程规定的宗旨和业务范围开展活动", "被列入严重违法失信名单后拒不整改", "无固定住所且无法取得联系",
]

# Instructor units and posts ("五华区" + unit + " " + post).
INSTRUCTOR_UNITS = [
    "委社会工作部", "民政局", "社会组织综合党委", "委组织部", "市场监督管理局", "教育体育局", "卫生健康局",
    "人力资源和社会保障局", "工商业联合会", "街道党工委",
]
INSTRUCTOR_POSTS = ["党建工作指导员", "一级科员", "四级主任科员", "副科长", "科长", "副主任", "专职副书记"]

# Surnames roughly by frequency (the first are the most common) and given-name characters.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢"
    "姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞斌波宇浩凯健俊帆峰建国志文东林海洋力成康永亮新兵宁锋鑫晨昊"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕萍红梅琳雪婷颖倩洁慧莉月琴兰英佳欣悦晶璐瑶岚蓉薇丹妍彤琪雯菲"
GIVEN_NEUTRAL = "春晓云华瑞安宏嘉思雨子一家明文晓丽红玉金秋兴旭"
