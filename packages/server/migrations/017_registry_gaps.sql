-- Registry gaps (issue 3): poverty lines through the current year, the monitoring workflow's
-- overall deadline, and the ID claims of cancelled households released.

-- After 2020 the national rural poverty line was replaced by the provinces' 防止返贫监测
-- thresholds. anchors.md gives the national guide figure of 2021 (6,000 yuan); no national
-- figure is given for later years, so the default carries 6,000 yuan forward as an assumption
-- that each province (or the county administrator, with system:param:edit) corrects on the
-- 贫困线 page. docs/registry.md records the figures and their source.
INSERT INTO poverty_line (province_code, year, line_fen, note) VALUES
 ('000000', 2022, 600000, '防止返贫监测范围默认值：沿用2021年全国指导值6000元（假设，请按本省当年文件修改）'),
 ('000000', 2023, 600000, '防止返贫监测范围默认值：沿用2021年全国指导值6000元（假设，请按本省当年文件修改）'),
 ('000000', 2024, 600000, '防止返贫监测范围默认值：沿用2021年全国指导值6000元（假设，请按本省当年文件修改）'),
 ('000000', 2025, 600000, '防止返贫监测范围默认值：沿用2021年全国指导值6000元（假设，请按本省当年文件修改）'),
 ('000000', 2026, 600000, '防止返贫监测范围默认值：沿用2021年全国指导值6000元（假设，请按本省当年文件修改）')
ON CONFLICT (province_code, year) DO NOTHING;

-- 纳入监测: from the first clue to county approval within 15 working days (anchors.md). Every
-- step's due date of a monitoring case is capped by this date.
ALTER TABLE registry_workflow ADD COLUMN overall_due_date date;

INSERT INTO sys_param (key, value, description) VALUES
 ('registry.monitoringOverallWorkingDays', '15', '纳入监测从发现线索（启动）到县级审批的总期限（工作日）')
ON CONFLICT (key) DO NOTHING;

-- A cancelled household no longer holds its members' resident IDs: the person may be
-- registered in another household. Households cancelled before this migration are released here.
DELETE FROM person_id_index i
USING person p, household h
WHERE p.county_code = i.county_code AND p.id = i.person_id
  AND h.county_code = p.county_code AND h.id = p.household_id
  AND h.status = 'cancelled';
