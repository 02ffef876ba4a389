import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Col, Divider, Drawer, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { householdFieldLabels, updateHouseholdBody } from '@fupin/server/src/registry/households/schemas';
import { feedback } from '../../../app/feedback';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import { stripBlanks, zodRules } from '../../../lib/form';
import { registryApi, type HouseholdDetail } from '../api';
import { DictSelect, YES_NO } from '../components';
import { idFacts } from './MemberModal';
import { todayInChina } from '@fupin/shared/date';
import { ageOn } from '@fupin/shared/idcard';

const rules = zodRules(updateHouseholdBody);

const yuanToFen = (v: number | null | undefined) => (v == null ? undefined : Math.round(v * 100));
const fenToYuanNumber = (v: number | null | undefined) => (v == null ? undefined : v / 100);

const INCOME = [
  ['incomeWagesFen', '工资性收入（元）'],
  ['incomeBusinessFen', '生产经营性净收入（元）'],
  ['incomeTransferFen', '转移性收入（元）'],
  ['incomePropertyFen', '财产性收入（元）'],
] as const;
const NEEDS = [
  ['foodClothingSecured', '不愁吃穿'],
  ['educationSecured', '义务教育保障'],
  ['medicalSecured', '基本医疗保障'],
  ['waterSafe', '饮水安全'],
  ['electricity', '通生活用电'],
] as const;

/**
 * The member fields of the form, used by the household drawer and by 动态调整. 民族, 文化程度,
 * 健康状况 and 劳动技能 are required here because the data-quality rule 必填项缺失 counts a member
 * without them as an error: a record saved from this form must not be a problem the moment it is saved.
 */
export function MemberFields({ prefix, list, compact }: { prefix?: (string | number)[]; list?: string; compact?: boolean }) {
  const n = (k: string) => (prefix ? [...prefix, k] : k);
  // inside a Form.List the names above are relative to it; reading another field needs the full path
  const at = (k: string) => (list ? [list, ...(prefix ?? []), k] : n(k));
  const span = compact ? 6 : 8;
  const form = Form.useFormInstance();
  // The check digit is checked here, beside the field: the server's answer names the member
  // (第1名成员身份证号码) and could only be shown as a message at the top of the page.
  const idRule = {
    validator: async (_: unknown, v: unknown) => {
      const r = idFacts(v, form.getFieldValue(at('idKind')));
      if (r && !r.ok) throw new Error(r.reason);
    },
  };
  // the same conditions as 必填项缺失: schooling from 3 to 22 years of age, the grade of a disability
  const schoolingRule = {
    validator: async (_: unknown, v: unknown) => {
      const r = idFacts(form.getFieldValue(at('idNumber')), form.getFieldValue(at('idKind')));
      if (v || !r?.ok) return;
      const age = ageOn(r.birthDate, todayInChina());
      if (age >= 3 && age <= 22) throw new Error(`请选择在校生状况（${age} 岁须填写）`);
    },
  };
  const gradeRule = {
    validator: async (_: unknown, v: unknown) => {
      if (!v && form.getFieldValue(at('health')) === 'disabled') throw new Error('健康状况为残疾时请选择残疾等级');
    },
  };
  return (
    <Row gutter={12}>
      <Col span={span}>
        <Form.Item name={n('name')} label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('idNumber')} label="身份证号码" rules={[{ required: true, message: '请填写身份证号码' }, idRule]} dependencies={[at('idKind')]} extra={compact ? undefined : '性别、出生日期由号码推出'}>
          <Input maxLength={40} className="mono" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('relation')} label="与户主关系" rules={[{ required: true, message: '请选择' }]}>
          <DictSelect type="relation" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('ethnicity')} label="民族" rules={[{ required: true, message: '请选择民族' }]}>
          <DictSelect type="ethnicity" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('education')} label="文化程度" rules={[{ required: true, message: '请选择文化程度' }]}>
          <DictSelect type="education" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('schooling')} label="在校生状况" dependencies={[at('idNumber'), at('idKind')]} rules={[schoolingRule]}>
          <DictSelect type="schooling" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('health')} label="健康状况" rules={[{ required: true, message: '请选择健康状况' }]}>
          <DictSelect type="health" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('disabilityGrade')} label="残疾等级" dependencies={[at('health')]} rules={[gradeRule]}>
          <Select allowClear options={[1, 2, 3, 4].map((g) => ({ value: g, label: `${g} 级` }))} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('labour')} label="劳动技能" rules={[{ required: true, message: '请选择劳动技能' }]}>
          <DictSelect type="labour" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('workStatus')} label="务工状况">
          <DictSelect type="work_status" />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('workMonths')} label="务工月数">
          <InputNumber min={0} max={12} style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('medicalInsurance')} label="参加医疗保险">
          <Select allowClear options={YES_NO} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('pensionInsurance')} label="参加养老保险">
          <Select allowClear options={YES_NO} />
        </Form.Item>
      </Col>
      <Col span={span}>
        <Form.Item name={n('phone')} label="成员电话">
          <Input maxLength={20} inputMode="tel" />
        </Form.Item>
      </Col>
      <Col span={span}>
        {/* 第二代残疾人证: the 18-digit ID + category + grade stands in for the ID (registry.md) */}
        <Form.Item name={n('idKind')} label="证件类型">
          <Select allowClear placeholder="居民身份证" options={[{ value: 'resident', label: '居民身份证' }, { value: 'disability_cert', label: '残疾人证' }]} />
        </Form.Item>
      </Col>
    </Row>
  );
}

type Values = Record<string, unknown> & { members?: Record<string, unknown>[] };

/** 新建农户 (with members) or 修改户信息 (household fields only, with the version). */
export function HouseholdDrawer({ household, onClose }: { household: HouseholdDetail | null; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const editing = !!household;
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => (household ? registryApi.update(household.id, { ...body, version: household.version }) : registryApi.create(body)),
    meta: { form, fieldLabels: householdFieldLabels as never },
    onSuccess: async (h) => {
      feedback.message.success(editing ? '已保存' : `已建档：${h.headName}户（${h.householdNo}）`);
      await qc.invalidateQueries({ queryKey: ['registry'] });
      onClose();
      if (!editing) void navigate(`/registry/households/${h.id}`);
    },
  });

  const initial: Values = household
    ? {
        areaCode: household.areaCode,
        address: household.address,
        bankName: household.bankName,
        category: household.category,
        identificationStandard: household.identificationStandard,
        identificationYear: household.identificationYear,
        mainCause: household.mainCause,
        secondaryCauses: household.secondaryCauses,
        housingSafety: household.housingSafety,
        incomeYear: household.incomeYear,
        ...Object.fromEntries(NEEDS.map(([k]) => [k, household[k]])),
        ...Object.fromEntries(INCOME.map(([k]) => [k, fenToYuanNumber(household[k])])),
      }
    : { category: 'general', members: [{ relation: 'head' }] };

  function submit(v: Values) {
    const body: Record<string, unknown> = stripBlanks({ ...v });
    for (const [k] of INCOME) body[k] = yuanToFen(v[k] as number | null);
    for (const [k] of NEEDS) if (v[k] === undefined) delete body[k];
    if (body.members) body.members = (body.members as Record<string, unknown>[]).map((m) => stripBlanks(m));
    save.mutate(stripBlanks(body));
  }

  return (
    <Drawer open width={960} title={editing ? `修改户信息：${household.headName}户` : '新建农户档案'} onClose={onClose} destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>取消</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            保存
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={submit} name="household">
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="areaCode" label="所在村（组）" rules={[{ required: true, message: '请选择村或村民组' }]}>
              <AreaTreeSelect placeholder="选择村或村民组" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="address" label="家庭住址" rules={[{ required: true, whitespace: true, message: '请填写家庭住址' }]}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="phone" label="联系电话" rules={rules.phone} extra={editing ? '不修改请留空' : undefined}>
              <Input maxLength={20} placeholder={household?.phoneMasked ?? undefined} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="bankName" label="开户银行">
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="bankAccount" label="银行账号" rules={rules.bankAccount} extra={editing ? '不修改请留空' : undefined}>
              <Input maxLength={30} className="mono" placeholder={household?.bankAccountMasked ?? undefined} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="category" label="贫困户属性">
              <DictSelect type="household_category" allowClear={false} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="identificationStandard" label="识别标准">
              <DictSelect type="identification_standard" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="identificationYear" label="识别年度" rules={editing && household.status !== 'candidate' ? [{ required: true, message: '请填写识别年度' }] : []}>
              <InputNumber min={1980} max={2100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="mainCause" label="主要致贫原因" rules={[{ required: true, message: '请选择主要致贫原因' }]}>
              <DictSelect type="poverty_cause" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="secondaryCauses" label="次要致贫原因（最多两项）">
              <DictSelect type="poverty_cause" mode="multiple" maxCount={2} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="housingSafety" label="住房安全等级" rules={[{ required: true, message: '请选择住房安全等级' }]}>
              <DictSelect type="housing_safety" />
            </Form.Item>
          </Col>
          {NEEDS.map(([k, label]) => (
            <Col span={4} key={k}>
              <Form.Item name={k} label={label} rules={k === 'waterSafe' ? [{ required: true, message: '请选择饮水安全' }] : []}>
                <Select allowClear options={YES_NO} placeholder="未填" />
              </Form.Item>
            </Col>
          ))}
          <Col span={4}>
            <Form.Item name="incomeYear" label="收入年度" rules={[{ required: true, message: '请填写收入年度' }]}>
              <InputNumber min={1980} max={2100} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          {INCOME.map(([k, label]) => (
            <Col span={6} key={k}>
              <Form.Item name={k} label={label}>
                <InputNumber min={k === 'incomeBusinessFen' ? undefined : 0} precision={2} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        {editing ? (
          <Typography.Paragraph type="secondary">电话、银行账号只显示掩码，留空即不修改；家庭成员的信息在成员列表中逐人修改，增减请用“动态调整”。人均纯收入由系统按在册人口计算。</Typography.Paragraph>
        ) : (
          <>
            <Divider titlePlacement="start">家庭成员（须有一名户主）</Divider>
            <Form.List name="members">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f, i) => (
                    <div key={f.key} className="member-block">
                      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                        <Typography.Text strong>第 {i + 1} 名成员</Typography.Text>
                        {fields.length > 1 && <Button type="link" danger icon={<MinusCircleOutlined />} onClick={() => remove(f.name)}>删除</Button>}
                      </Space>
                      <MemberFields list="members" prefix={[f.name]} compact />
                    </div>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} block>
                    添加成员
                  </Button>
                </>
              )}
            </Form.List>
          </>
        )}
      </Form>
    </Drawer>
  );
}
