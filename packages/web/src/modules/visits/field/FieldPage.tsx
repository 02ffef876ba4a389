import { CloudSyncOutlined, EnvironmentOutlined, PhoneOutlined, PlusOutlined, RightOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Descriptions, Drawer, Empty, Input, List, Radio, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { todayInChina } from '@fupin/shared/date';
import { visitInput } from '@fupin/server/src/visits/records/schemas';
import { feedback } from '../../../app/feedback';
import { useSessionUser } from '../../../auth/session';
import type { SyncHousehold, VisitInput } from '../api';
import { linkManifest, registerServiceWorker } from '../offline/pwa';
import { MAX_PHOTOS, shrinkPhoto } from '../offline/photo';
import { dismissNotice, dropRejected, recordVisit, startField, stopField, syncNow, useFieldState, type FieldState } from '../offline/sync';
import './field.css';

const KINDS = [
  { value: 'home', label: '入户走访' },
  { value: 'phone', label: '电话联系' },
  { value: 'other', label: '其他' },
];
const CHECKS: { key: 'food' | 'clothing' | 'schooling' | 'medical' | 'housing' | 'water'; label: string }[] = [
  { key: 'food', label: '吃' },
  { key: 'clothing', label: '穿' },
  { key: 'schooling', label: '义务教育' },
  { key: 'medical', label: '基本医疗' },
  { key: 'housing', label: '住房安全' },
  { key: 'water', label: '饮水安全' },
];
const SATISFACTION = [
  { value: 'very_satisfied', label: '非常满意' },
  { value: 'satisfied', label: '满意' },
  { value: 'basically', label: '基本满意' },
  { value: 'unsatisfied', label: '不满意' },
];
// 'none' stands for "not asked": a Segmented always shows one option as chosen.
const INCOME = [
  { value: 'none', label: '未问' },
  { value: 'up', label: '增加' },
  { value: 'same', label: '持平' },
  { value: 'down', label: '减少' },
];

/** Queued (unsent) visits of a household this month that count like the server counts them. */
function queuedThisMonth(s: FieldState, h: SyncHousehold) {
  const month = s.snapshot?.data.month ?? todayInChina().slice(0, 7);
  const kinds = s.snapshot?.data.rule.countedKinds ?? ['home'];
  const days = new Set(
    s.queue
      .filter((q) => q.householdId === h.id && q.status === 'pending' && q.payload.visitDate.startsWith(month) && kinds.includes(q.payload.kind))
      .map((q) => q.payload.visitDate),
  );
  return days.size;
}

export default function FieldPage() {
  const user = useSessionUser();
  const s = useFieldState();
  const [recording, setRecording] = useState<SyncHousehold | null>(null);
  const [viewing, setViewing] = useState<SyncHousehold | null>(null);
  const [offlineReady, setOfflineReady] = useState(false);

  useEffect(() => {
    linkManifest();
    void registerServiceWorker().then(setOfflineReady);
    void startField(user.id);
    return () => stopField();
  }, [user.id]);

  const households = s.snapshot?.data.households ?? [];
  const pending = s.queue.filter((q) => q.status === 'pending').length + s.photos.filter((p) => p.status === 'pending').length;
  const rejected = s.queue.filter((q) => q.status === 'rejected');
  const due = useMemo(() => {
    let required = 0;
    let remaining = 0;
    for (const h of households) {
      required += h.due.required;
      remaining += Math.max(0, h.due.required - h.due.done - queuedThisMonth(s, h));
    }
    return { required, remaining };
  }, [households, s]);

  if (!s.loaded) return <Spin style={{ display: 'block', margin: '20vh auto' }} />;

  return (
    <div className="field-page">
      <Card size="small" className="field-status">
        <Space wrap size={8} style={{ width: '100%', justifyContent: 'space-between' }}>
          <Space size={8}>
            {s.online ? <Badge status="success" text="在线" /> : <Badge status="default" text="离线" />}
            <Typography.Text data-testid="pending-count">待上传 {pending} 条</Typography.Text>
            {offlineReady && (
              <Tag color="blue" data-testid="offline-ready">
                可离线使用
              </Tag>
            )}
          </Space>
          <Button size="small" icon={<CloudSyncOutlined />} loading={s.syncing} disabled={!s.online} onClick={() => void syncNow()}>
            同步
          </Button>
        </Space>
        <Typography.Text type="secondary" className="field-small">
          {s.snapshot ? `数据更新于 ${new Date(s.snapshot.savedAt).toLocaleString('zh-CN')}` : '尚未下载结对户数据，请联网同步'}
          {s.lastError ? ` · 同步失败：${s.lastError}` : ''}
        </Typography.Text>
      </Card>

      {s.notices.map((n) => (
        <Alert
          key={n.clientId}
          type="warning"
          showIcon
          icon={<WarningOutlined />}
          className="field-alert"
          message={`${n.headName ?? '农户'}：${n.message}`}
          description={n.household ? `最新信息 — 电话：${n.household.phone ?? '无'}；地址：${n.household.address ?? '无'}` : undefined}
          action={
            <Button size="small" onClick={() => void dismissNotice(n.clientId)}>
              知道了
            </Button>
          }
        />
      ))}
      {rejected.map((q) => (
        <Alert
          key={q.clientId}
          type="error"
          showIcon
          className="field-alert"
          message={`${q.headName ?? '农户'} ${q.payload.visitDate} 的走访未被接收`}
          description={q.error?.message}
          action={
            <Button size="small" danger onClick={() => void dropRejected(q.clientId)}>
              删除
            </Button>
          }
        />
      ))}

      <Card size="small" className="field-summary">
        <Space split="·" wrap>
          <span>
            我的结对户 <b>{households.length}</b> 户
          </span>
          <span>
            本月应走访 <b>{due.required}</b> 次，还需 <b data-testid="due-remaining">{due.remaining}</b> 次
          </span>
          {s.snapshot?.data.rule.visitDayDate && <span>走贫日 {s.snapshot.data.rule.visitDayDate}</span>}
        </Space>
      </Card>

      {households.length === 0 ? (
        <Empty description={s.snapshot ? '您当前没有结对户（或账号未登记为帮扶干部）' : '联网后同步您的结对户'} />
      ) : (
        <List
          dataSource={households}
          rowKey="id"
          renderItem={(h) => {
            const queued = s.queue.filter((q) => q.householdId === h.id && q.status === 'pending').length;
            const remaining = Math.max(0, h.due.required - h.due.done - queuedThisMonth(s, h));
            return (
              <Card size="small" className="field-household" data-testid={`household-${h.id}`}>
                {/* the members, open tasks and last visits kept on the phone are one tap away */}
                <div
                  className="field-household-head"
                  role="button"
                  tabIndex={0}
                  aria-label={`${h.headName ?? h.householdNo} 家庭成员和最近走访`}
                  onClick={() => setViewing(h)}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setViewing(h)}
                >
                  <Typography.Text strong className="field-name">
                    {h.headName ?? h.householdNo}
                  </Typography.Text>
                  <Typography.Text type="secondary" className="field-small">
                    {h.villageName} · {h.members.length} 人
                  </Typography.Text>
                  <Typography.Text type="secondary" className="field-small field-more">
                    详情 <RightOutlined />
                  </Typography.Text>
                </div>
                <Space wrap size={4} className="field-tags">
                  {h.due.required === 0 ? (
                    <Tag>本月不考核</Tag>
                  ) : remaining > 0 ? (
                    <Tag color="red">本月还需走访 {remaining} 次</Tag>
                  ) : (
                    <Tag color="green">本月已达标</Tag>
                  )}
                  {queued > 0 && <Tag color="blue">待上传 {queued}</Tag>}
                  {h.openTasks.length > 0 && <Tag color="orange">整改 {h.openTasks.length} 项</Tag>}
                  <Typography.Text type="secondary" className="field-small">
                    最近走访：{h.lastVisitDate ?? '无'}
                  </Typography.Text>
                </Space>
                <div className="field-actions">
                  {h.phone && (
                    <Button href={`tel:${h.phone}`} icon={<PhoneOutlined />}>
                      打电话
                    </Button>
                  )}
                  <Button type="primary" icon={<PlusOutlined />} onClick={() => setRecording(h)}>
                    记录走访
                  </Button>
                </div>
              </Card>
            );
          }}
        />
      )}

      {viewing && <HouseholdDrawer h={viewing} onClose={() => setViewing(null)} onRecord={() => (setRecording(viewing), setViewing(null))} />}
      {recording && <VisitDrawer h={recording} onClose={() => setRecording(null)} online={s.online} />}
    </div>
  );
}

function HouseholdDrawer({ h, onClose, onRecord }: { h: SyncHousehold; onClose: () => void; onRecord: () => void }) {
  return (
    <Drawer open placement="bottom" height="88%" title={`${h.headName ?? ''}（${h.householdNo}）`} onClose={onClose} extra={<Button type="primary" onClick={onRecord}>记录走访</Button>}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label="村">{h.villageName}</Descriptions.Item>
        <Descriptions.Item label="地址">{h.address ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="电话">{h.phone ? <a href={`tel:${h.phone}`}>{h.phone}</a> : '—'}</Descriptions.Item>
        <Descriptions.Item label="结对自">{h.pairedSince}</Descriptions.Item>
        <Descriptions.Item label="本月">
          应走访 {h.due.required} 次，已走访 {h.due.done} 次{h.due.reason ? `（${h.due.reason}）` : ''}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        家庭成员
      </Typography.Title>
      <List
        size="small"
        dataSource={h.members}
        renderItem={(m) => (
          <List.Item>
            {m.name} · {m.relationLabel ?? m.relation} · {m.sex === 'M' ? '男' : '女'}
            {m.age !== null ? ` · ${m.age}岁` : ''}
            {m.healthLabel ? ` · ${m.healthLabel}` : ''}
            {m.schoolingLabel && m.schooling !== 'not_in_school' ? ` · ${m.schoolingLabel}` : ''}
          </List.Item>
        )}
      />
      {h.openTasks.length > 0 && (
        <>
          <Typography.Title level={5}>待整改问题</Typography.Title>
          <List
            size="small"
            dataSource={h.openTasks}
            renderItem={(t) => (
              <List.Item>
                {t.problem} <Tag color={t.overdue ? 'red' : 'default'}>期限 {t.deadline}</Tag>
              </List.Item>
            )}
          />
        </>
      )}
      <Typography.Title level={5}>最近走访</Typography.Title>
      <List
        size="small"
        dataSource={h.recentVisits}
        locale={{ emptyText: '暂无走访记录' }}
        renderItem={(v) => (
          <List.Item>
            <div>
              <b>{v.visitDate}</b> {v.kindLabel} · {v.cadreName}
              {v.problems && <div className="field-small">问题：{v.problems}</div>}
              {v.helpGiven && <div className="field-small">帮扶：{v.helpGiven}</div>}
            </div>
          </List.Item>
        )}
      />
    </Drawer>
  );
}

type Checks = Record<(typeof CHECKS)[number]['key'], boolean | null>;

function VisitDrawer({ h, onClose, online }: { h: SyncHousehold; onClose: () => void; online: boolean }) {
  const today = todayInChina();
  const [kind, setKind] = useState<VisitInput['kind']>('home');
  const [visitDate, setVisitDate] = useState(today);
  const [checks, setChecks] = useState<Checks>({ food: true, clothing: true, schooling: true, medical: true, housing: true, water: true });
  const [incomeChange, setIncome] = useState<VisitInput['incomeChange']>(null);
  const [problems, setProblems] = useState('');
  const [helpGiven, setHelp] = useState('');
  const [policies, setPolicies] = useState('');
  const [satisfaction, setSatisfaction] = useState<VisitInput['satisfaction']>('satisfied');
  const [newPhone, setNewPhone] = useState('');
  const [photos, setPhotos] = useState<{ blob: Blob; mime: string; url: string }[]>([]);
  const [gps, setGps] = useState<VisitInput['gps']>(null);
  const [locating, setLocating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  function locate() {
    if (!navigator.geolocation) return feedback.message.warning('此设备不支持定位');
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setGps({ lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy) });
        setLocating(false);
      },
      () => {
        feedback.message.warning('未能取得定位（可不填）');
        setLocating(false);
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  }

  async function addPhotos(files: FileList | null) {
    if (!files) return;
    const next = [...photos];
    for (const f of [...files].slice(0, MAX_PHOTOS - photos.length)) {
      try {
        const p = await shrinkPhoto(f);
        next.push({ ...p, url: URL.createObjectURL(p.blob) });
      } catch (e) {
        feedback.message.error((e as Error).message);
      }
    }
    setPhotos(next);
  }

  async function save() {
    const body = {
      householdId: h.id,
      cadreId: h.cadreId,
      visitDate,
      kind,
      checks,
      incomeChange: incomeChange ?? undefined,
      problems: problems || undefined,
      helpGiven: helpGiven || undefined,
      policiesExplained: policies || undefined,
      satisfaction: satisfaction ?? undefined,
      gps: gps ?? undefined,
      householdVersion: h.version,
      householdChanges: newPhone ? { phone: newPhone } : undefined,
    };
    // The API's own schema, so the phone refuses what the server would refuse.
    const parsed = visitInput.omit({ clientId: true, clientRecordedAt: true }).safeParse(body);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => i.message).join('；'));
      return;
    }
    if (visitDate > today) {
      setError('走访日期不能晚于今天');
      return;
    }
    setSaving(true);
    try {
      await recordVisit(parsed.data, h.headName, photos);
      feedback.message.success(online ? '已保存，正在上传' : '已保存在手机上，联网后自动上传');
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <Drawer
      open
      placement="bottom"
      height="94%"
      title={`记录走访：${h.headName ?? h.householdNo}`}
      onClose={onClose}
      className="field-visit-drawer"
      footer={
        <Button type="primary" block size="large" loading={saving} onClick={() => void save()}>
          保存走访
        </Button>
      }
    >
      <div className="field-form">
        <label>走访方式</label>
        <Segmented block options={KINDS} value={kind} onChange={(v) => setKind(v as VisitInput['kind'])} />
        <label htmlFor="visit-date">走访日期</label>
        <Input id="visit-date" type="date" value={visitDate} max={today} onChange={(e) => setVisitDate(e.target.value)} />

        <label>两不愁三保障及饮水（默认有保障，发现问题请改为“有问题”）</label>
        <div className="field-checks">
          {CHECKS.map((c) => (
            <div key={c.key} className="field-check">
              <span>{c.label}</span>
              <Radio.Group
                size="small"
                optionType="button"
                buttonStyle="solid"
                value={checks[c.key] === null ? 'na' : checks[c.key] ? 'ok' : 'bad'}
                onChange={(e) => setChecks({ ...checks, [c.key]: e.target.value === 'na' ? null : e.target.value === 'ok' })}
                options={[
                  { value: 'ok', label: '有保障' },
                  { value: 'bad', label: '有问题' },
                  { value: 'na', label: '未查' },
                ]}
              />
            </div>
          ))}
        </div>

        <label>收入变化</label>
        <Segmented block options={INCOME} value={incomeChange ?? 'none'} onChange={(v) => setIncome(v === 'none' ? null : (v as VisitInput['incomeChange']))} />
        <label htmlFor="visit-problems">发现的问题</label>
        <Input.TextArea id="visit-problems" rows={2} maxLength={2000} value={problems} onChange={(e) => setProblems(e.target.value)} placeholder="没有可不填" />
        <label htmlFor="visit-help">帮扶措施</label>
        <Input.TextArea id="visit-help" rows={2} maxLength={2000} value={helpGiven} onChange={(e) => setHelp(e.target.value)} />
        <label htmlFor="visit-policies">宣讲政策</label>
        <Input id="visit-policies" maxLength={1000} value={policies} onChange={(e) => setPolicies(e.target.value)} placeholder="如：健康扶贫、教育资助" />
        <label>满意度</label>
        <Segmented block options={SATISFACTION} value={satisfaction ?? undefined} onChange={(v) => setSatisfaction(v as VisitInput['satisfaction'])} />

        <label>照片（最多 {MAX_PHOTOS} 张）</label>
        <div className="field-photos">
          {photos.map((p, i) => (
            <img key={p.url} src={p.url} alt={`照片 ${i + 1}`} onClick={() => setPhotos(photos.filter((x) => x !== p))} />
          ))}
          {photos.length < MAX_PHOTOS && (
            <label className="field-photo-add">
              + 拍照
              <input type="file" accept="image/*" capture="environment" multiple hidden onChange={(e) => void addPhotos(e.target.files)} />
            </label>
          )}
        </div>

        <Space wrap>
          <Button icon={<EnvironmentOutlined />} loading={locating} onClick={locate}>
            {gps ? '重新定位' : '获取定位'}
          </Button>
          {gps && (
            <Typography.Text type="secondary" className="field-small">
              {gps.lat.toFixed(5)}, {gps.lng.toFixed(5)}（±{gps.accuracyM ?? '?'} 米）
            </Typography.Text>
          )}
        </Space>

        <label htmlFor="visit-phone">户联系电话有变化？</label>
        <Input id="visit-phone" inputMode="tel" value={newPhone} onChange={(e) => setNewPhone(e.target.value.trim())} placeholder={`现为 ${h.phone ?? '无'}，没变可不填`} />

        {error && <Alert type="error" showIcon message={error} />}
      </div>
    </Drawer>
  );
}
