-- 民族: all 56 of GB/T 3304 (the national standard the poverty register's 民族 column follows),
-- in its order. Only seven were listed: a roster of 环江毛南族自治县 (451226) refused every 毛南族
-- and 仫佬族 member. Existing codes are kept (they are stored in person rows); an item an
-- administrator has relabelled or disabled keeps its label and state, only its place changes; a
-- label an administrator has already added under a code of their own is left as it is.
CREATE TEMP TABLE gb3304 (code text, label text, sort int) ON COMMIT DROP;
INSERT INTO gb3304 (code, label, sort) VALUES
 ('han','汉族',1), ('mongol','蒙古族',2), ('hui','回族',3), ('zang','藏族',4),
 ('uygur','维吾尔族',5), ('miao','苗族',6), ('yi','彝族',7), ('zhuang','壮族',8),
 ('buyei','布依族',9), ('chosen','朝鲜族',10), ('man','满族',11), ('dong','侗族',12),
 ('yao','瑶族',13), ('bai','白族',14), ('tujia','土家族',15), ('hani','哈尼族',16),
 ('kazak','哈萨克族',17), ('dai','傣族',18), ('li','黎族',19), ('lisu','傈僳族',20),
 ('va','佤族',21), ('she','畲族',22), ('gaoshan','高山族',23), ('lahu','拉祜族',24),
 ('sui','水族',25), ('dongxiang','东乡族',26), ('naxi','纳西族',27), ('jingpo','景颇族',28),
 ('kirgiz','柯尔克孜族',29), ('tu','土族',30), ('daur','达斡尔族',31), ('mulao','仫佬族',32),
 ('qiang','羌族',33), ('blang','布朗族',34), ('salar','撒拉族',35), ('maonan','毛南族',36),
 ('gelao','仡佬族',37), ('xibe','锡伯族',38), ('achang','阿昌族',39), ('pumi','普米族',40),
 ('tajik','塔吉克族',41), ('nu','怒族',42), ('uzbek','乌孜别克族',43), ('russ','俄罗斯族',44),
 ('ewenki','鄂温克族',45), ('deang','德昂族',46), ('bonan','保安族',47), ('yugur','裕固族',48),
 ('gin','京族',49), ('tatar','塔塔尔族',50), ('derung','独龙族',51), ('oroqen','鄂伦春族',52),
 ('hezhen','赫哲族',53), ('monba','门巴族',54), ('lhoba','珞巴族',55), ('jino','基诺族',56)
;
UPDATE dict_item d SET sort = g.sort FROM gb3304 g WHERE d.type_code = 'ethnicity' AND d.code = g.code;
INSERT INTO dict_item (type_code, code, label, sort)
SELECT 'ethnicity', code, label, sort FROM gb3304
ON CONFLICT DO NOTHING;
