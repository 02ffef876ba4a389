import { Weighted, type Rng } from './prng';

/**
 * Name material for a synthetic region in western Guangxi: Zhuang surnames (黄, 韦, 覃, 蒙,
 * 莫 …) weigh more than the national top list, and place names use the syllables of
 * Zhuang toponyms (那 "paddy field", 板 "village", 弄 "valley", 岜 "rock hill" …).
 * Nothing here names a real person; a generated place name may by chance exist somewhere.
 */
export const SURNAMES = new Weighted<string>([
  ['黄', 8], ['韦', 6], ['李', 5], ['陈', 5], ['覃', 4], ['莫', 3], ['梁', 3], ['蒙', 3], ['罗', 3],
  ['王', 3], ['陆', 2.5], ['张', 2.5], ['刘', 2.5], ['杨', 2.5], ['蓝', 2], ['潘', 2], ['卢', 2],
  ['廖', 2], ['谭', 1.5], ['农', 1.5], ['吴', 1.5], ['何', 1.5], ['周', 1.2], ['唐', 1.2], ['邓', 1.2],
  ['赵', 1], ['林', 1], ['钟', 1], ['冯', 0.8], ['胡', 0.8], ['朱', 0.8], ['甘', 0.6], ['高', 0.6],
  ['徐', 0.6], ['孙', 0.5], ['马', 0.5], ['郭', 0.5], ['岑', 0.5], ['凌', 0.5], ['欧', 0.4], ['班', 0.4],
  ['闭', 0.3], ['银', 0.3], ['麻', 0.2], ['石', 0.4], ['宋', 0.3], ['许', 0.3], ['曾', 0.4], ['谢', 0.4],
]);

// Given-name characters change with the times; three cohorts keep grandparents from being
// called 梓涵 and toddlers from being called 桂英.
const GIVEN = {
  M: {
    old: '德文明国建华志忠福贵荣昌永金顺光有成春庆祥海树林生才宝兴和山',
    mid: '伟强军勇杰斌平东辉刚健涛峰亮鹏飞超波俊鑫华明建志海新家红',
    young: '浩宇轩子梓睿博俊涵晨阳铭泽昊文嘉瑞锦奕天佳一航熙诚毅',
  },
  F: {
    old: '秀英兰桂芳珍凤玉梅花莲翠金春美琼淑素月菊',
    mid: '丽艳敏静燕霞娟红玲萍婷芳雪慧琴莉晓丹妮柳',
    young: '欣怡婷诗雨梓涵萱佳可思悦琪彤语若心晴馨妍瑶琳',
  },
} as const;

export function givenName(rng: Rng, sex: 'M' | 'F', birthYear: number): string {
  const cohort = birthYear < 1965 ? 'old' : birthYear < 1995 ? 'mid' : 'young';
  const chars = GIVEN[sex][cohort];
  const a = chars[rng.int(0, chars.length - 1)];
  if (rng.chance(0.18)) return a;
  let b = chars[rng.int(0, chars.length - 1)];
  if (b === a) b = chars[(chars.indexOf(a) + 1) % chars.length];
  return a + b;
}

const PLACE_FIRST = '那板弄岜百六都古平龙凤石江新安和东西南北上下长高坡岭山水田塘洞坪岩河桥林竹沙兴福德华明青云金红太大小中三';
const PLACE_SECOND = '坡岭山水田塘洞屯坪岩河桥林竹沙兴福德华明青云安和平江龙凤阳湾口岗寨圩美乐合丰隆康宁';

/** Two syllables; the caller adds 乡/镇/村 and re-draws on a clash within the same parent. */
export function placeName(rng: Rng): string {
  const a = PLACE_FIRST[rng.int(0, PLACE_FIRST.length - 1)];
  let b = PLACE_SECOND[rng.int(0, PLACE_SECOND.length - 1)];
  if (b === a) b = PLACE_SECOND[(PLACE_SECOND.indexOf(b) + 1) % PLACE_SECOND.length];
  return a + b;
}

const DIGITS = '零一二三四五六七八九';
/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三 (for 第N组). */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n];
  if (n < 20) return '十' + (n % 10 ? DIGITS[n % 10] : '');
  return DIGITS[Math.floor(n / 10)] + '十' + (n % 10 ? DIGITS[n % 10] : '');
}

// 帮扶单位: county departments that pair with villages (单位包村).
export const HELPING_UNITS = [
  '交通运输局', '教育局', '卫生健康局', '农业农村局', '人民医院', '自然资源局', '水利局', '住房和城乡建设局',
  '人力资源和社会保障局', '林业局', '民政局', '市场监督管理局',
];

// Mobile prefixes of the three carriers; all match 1[3-9]\d{9}.
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '170', '173', '175', '176', '177', '178', '180', '181', '182',
  '183', '184', '185', '186', '187', '188', '189', '191', '193', '195', '198', '199',
];

export function mobile(rng: Rng): string {
  let s = rng.pick(MOBILE_PREFIXES);
  for (let i = 0; i < 8; i++) s += rng.int(0, 9);
  return s;
}

// Rural banks that issue the 一卡通 through which subsidies are paid; BINs look like theirs.
export const BANKS: readonly { name: string; bin: string }[] = [
  { name: '广西农村信用社', bin: '623188' },
  { name: '中国农业银行', bin: '622848' },
  { name: '中国邮政储蓄银行', bin: '621799' },
  { name: '广西农村信用社', bin: '621458' },
];

/** A 19-digit card number with a valid Luhn check digit. */
export function bankAccount(rng: Rng, bin: string): string {
  let s = bin;
  while (s.length < 18) s += rng.int(0, 9);
  let sum = 0;
  for (let i = 0; i < 18; i++) {
    let d = s.charCodeAt(17 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return s + ((10 - (sum % 10)) % 10);
}
