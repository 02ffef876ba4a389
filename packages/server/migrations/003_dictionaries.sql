-- 字典: coded values of the poverty-registration form (anchors.md) and of the system.
-- Codes are stable identifiers stored in data; labels are what users read.
INSERT INTO dict_type (code, name) VALUES
 ('org_kind','机构类型'), ('household_category','贫困户属性'), ('household_status','户状态'),
 ('poverty_cause','致贫原因'), ('relation','与户主关系'), ('health','健康状况'), ('labour','劳动技能'),
 ('education','文化程度'), ('schooling','在校生状况'), ('work_status','务工状况'), ('ethnicity','民族'),
 ('housing_safety','住房安全等级'), ('identification_standard','识别标准'), ('data_scope','数据权限');

INSERT INTO dict_item (type_code, code, label, sort) VALUES
 ('org_kind','leading_group','县扶贫开发领导组',1), ('org_kind','poverty_office','县扶贫办',2),
 ('org_kind','finance_bureau','县财政局',3), ('org_kind','credit_union','县信用联社',4),
 ('org_kind','township_gov','乡镇政府',5), ('org_kind','station','乡镇扶贫工作站',6),
 ('org_kind','finance_office','乡镇财政所',7), ('org_kind','coop','乡镇信用社',8),
 ('org_kind','village_committee','村委会',9), ('org_kind','unit','帮扶单位',10),
 ('org_kind','inspection','督查组',11), ('org_kind','other','其他',99),

 ('household_category','general','一般贫困户',1), ('household_category','dibao','低保贫困户',2),
 ('household_category','tekun','特困供养贫困户',3),

 ('household_status','candidate','识别中',1), ('household_status','identified','贫困户',2),
 ('household_status','exited','已脱贫',3), ('household_status','returned','返贫',4),
 ('household_status','monitored','监测对象',5), ('household_status','cancelled','已注销',6),

 ('poverty_cause','illness','因病',1), ('poverty_cause','disability','因残',2), ('poverty_cause','education','因学',3),
 ('poverty_cause','disaster','因灾',4), ('poverty_cause','no_land','缺土地',5), ('poverty_cause','no_water','缺水',6),
 ('poverty_cause','no_skill','缺技术',7), ('poverty_cause','no_labour','缺劳力',8), ('poverty_cause','no_capital','缺资金',9),
 ('poverty_cause','poor_transport','交通条件落后',10), ('poverty_cause','low_motivation','自身发展动力不足',11),
 ('poverty_cause','other','其它',12),

 ('relation','head','户主',1), ('relation','spouse','配偶',2), ('relation','son','之子',3), ('relation','daughter','之女',4),
 ('relation','daughter_in_law','之儿媳',5), ('relation','son_in_law','之女婿',6), ('relation','grandson','之孙子',7),
 ('relation','granddaughter','之孙女',8), ('relation','father','之父',9), ('relation','mother','之母',10),
 ('relation','grandfather','之祖父',11), ('relation','grandmother','之祖母',12), ('relation','sibling','兄弟姐妹',13),
 ('relation','other','其他',99),

 ('health','healthy','健康',1), ('health','chronic','长期慢性病',2), ('health','serious','患有大病',3), ('health','disabled','残疾',4),

 ('labour','ordinary','普通劳动力',1), ('labour','skilled','技能劳动力',2), ('labour','lost','丧失劳动力',3), ('labour','none','无劳动力',4),

 ('education','illiterate','文盲或半文盲',1), ('education','primary','小学',2), ('education','junior','初中',3),
 ('education','senior','高中',4), ('education','vocational','中专/职高',5), ('education','college','大专及以上',6),
 ('education','preschool','学龄前',0),

 ('schooling','not_in_school','非在校生',0), ('schooling','preschool','学前教育',1), ('schooling','primary','小学',2),
 ('schooling','junior','七年级至九年级',3), ('schooling','senior','普通高中',4), ('schooling','vocational','中职',5),
 ('schooling','higher','高职高专及以上',6),

 ('work_status','none','未务工',0), ('work_status','local','乡镇内务工',1), ('work_status','county','县内乡外务工',2),
 ('work_status','province','省内县外务工',3), ('work_status','outside','省外务工',4), ('work_status','public_post','公益岗位',5),

 ('ethnicity','han','汉族',1), ('ethnicity','zhuang','壮族',2), ('ethnicity','hui','回族',3), ('ethnicity','miao','苗族',4),
 ('ethnicity','yi','彝族',5), ('ethnicity','tujia','土家族',6), ('ethnicity','yao','瑶族',7), ('ethnicity','other','其他民族',99),

 ('housing_safety','A','A级（安全）',1), ('housing_safety','B','B级（基本安全）',2),
 ('housing_safety','C','C级（局部危险）',3), ('housing_safety','D','D级（整体危险）',4),

 ('identification_standard','national','国家标准',1), ('identification_standard','provincial','省定标准',2),
 ('identification_standard','municipal','市定标准',3),

 ('data_scope','all','全部数据',1), ('data_scope','custom','自定义区划',2), ('data_scope','area','本区划',3),
 ('data_scope','area_below','本区划及以下',4), ('data_scope','self','仅本人',5);

INSERT INTO sys_param (key, value, description) VALUES
 ('auth.maxFailedLogins', '5', '连续登录失败多少次后临时锁定账号'),
 ('auth.lockMinutes', '15', '账号临时锁定时长（分钟）'),
 ('auth.sessionHours', '12', '会话有效期（小时）'),
 ('registry.noticeDays', '7', '公示期（天）');
