-- 与户主关系: the values of the national poverty register's member sheet that were missing. A
-- roster with a 外孙子 or a 岳母 (a son-in-law who heads his wife's parents' household is common)
-- refused the whole household, or 其他 lost who the person is. Existing codes are kept (they are
-- stored in person rows) and only their place changes; an item an administrator already added
-- under a code of their own is left as it is.
CREATE TEMP TABLE relation_all (code text, label text, sort int) ON COMMIT DROP;
INSERT INTO relation_all (code, label, sort) VALUES
 ('head','户主',1), ('spouse','配偶',2), ('son','之子',3), ('daughter','之女',4),
 ('daughter_in_law','之儿媳',5), ('son_in_law','之女婿',6), ('grandson','之孙子',7), ('granddaughter','之孙女',8),
 ('grandson_by_daughter','之外孙子',9), ('granddaughter_by_daughter','之外孙女',10),
 ('father','之父',11), ('mother','之母',12), ('wife_father','之岳父',13), ('wife_mother','之岳母',14),
 ('husband_father','之公公',15), ('husband_mother','之婆婆',16), ('grandfather','之祖父',17), ('grandmother','之祖母',18),
 ('maternal_grandfather','之外祖父',19), ('maternal_grandmother','之外祖母',20), ('sibling','兄弟姐妹',21),
 ('other','其他',99);
UPDATE dict_item d SET sort = r.sort FROM relation_all r WHERE d.type_code = 'relation' AND d.code = r.code;
INSERT INTO dict_item (type_code, code, label, sort)
SELECT 'relation', code, label, sort FROM relation_all
ON CONFLICT DO NOTHING;
