/**
 * The special-account ledger (专户, 收支两条线): every movement is a line with its source
 * document; balances are kept per account and can never go below zero (checked here with the
 * account row locked, and again by CHECK constraints); nothing is edited or deleted.
 */
import type { Tx } from '../../db/db';
import { errors } from '../../http/errors';
import { yuan, type Actor } from '../common';
import { loanErrors } from '../errors';
import { fundRepo, type AccountKind, type AccountRow, type TransferRow } from './repository';

const ACCOUNT_NAMES: Record<AccountKind, (area: string) => string> = {
  bureau: (a) => `${a}财政局贴息资金专户`,
  finance_office: (a) => `${a}财政所贴息资金专户`,
  coop: (a) => `${a}信用社贴息资金`,
};

export const ACCOUNT_KIND_LABELS: Record<AccountKind, string> = { bureau: '县财政局', finance_office: '乡镇财政所', coop: '乡镇信用社' };

/** The account of an organisation's subsidy fund, opened on first use. */
export async function accountFor(tx: Tx, countyCode: string, kind: AccountKind, areaCode: string): Promise<AccountRow> {
  const found = await fundRepo.findAccount(tx, countyCode, kind, areaCode);
  if (found) return found;
  const area = await tx.selectFrom('area').select('name').where('code', '=', areaCode).executeTakeFirst();
  await fundRepo.createAccount(tx, { county_code: countyCode, kind, area_code: areaCode, name: ACCOUNT_NAMES[kind](area?.name ?? areaCode) });
  return (await fundRepo.findAccount(tx, countyCode, kind, areaCode))!;
}

export type Doc = { type: 'transfer' | 'subsidy_payment' | 'subsidy_payment_reversal' | 'claim'; id: number; no: string };

/** One line on one account. The account must already be locked by the caller (see `lockAll`). */
export async function postLine(
  tx: Tx,
  actor: Actor,
  line: {
    account: AccountRow;
    kind: 'budget' | 'allocation' | 'prepayment' | 'topup' | 'refund' | 'subsidy_payment' | 'claim' | 'reimbursement' | 'reversal';
    direction: 'in' | 'out' | 'memo';
    amountFen: number;
    date: string;
    doc: Doc;
    counterparty?: string | null;
    memo?: string | null;
  },
) {
  const acc = await fundRepo.lockAccount(tx, line.account.county_code, line.account.id);
  const balance = line.direction === 'in' ? acc.balance_fen + line.amountFen : line.direction === 'out' ? acc.balance_fen - line.amountFen : acc.balance_fen;
  if (balance < 0) throw loanErrors.insufficientFunds(acc.name, yuan(acc.balance_fen), yuan(line.amountFen));
  await fundRepo.insertEntry(tx, {
    county_code: acc.county_code,
    account_id: acc.id,
    area_code: acc.area_code,
    entry_date: line.date,
    kind: line.kind,
    direction: line.direction,
    amount_fen: line.amountFen,
    balance_after_fen: balance,
    source_doc_type: line.doc.type,
    source_doc_id: line.doc.id,
    source_doc_no: line.doc.no,
    counterparty: line.counterparty ?? null,
    memo: line.memo ?? null,
    created_by: actor.id,
    created_by_name: actor.name,
  });
  if (balance !== acc.balance_fen) await fundRepo.setBalance(tx, acc.county_code, acc.id, balance);
  return balance;
}

/** Locks accounts in id order so two opposite transfers cannot deadlock. */
async function lockAll(tx: Tx, accounts: AccountRow[]) {
  for (const a of [...accounts].sort((x, y) => x.id - y.id)) await fundRepo.lockAccount(tx, a.county_code, a.id);
}

/** A transfer document and its two lines (one for a budget receipt from outside the system). */
export async function transfer(
  tx: Tx,
  actor: Actor,
  t: {
    kind: TransferRow['kind'];
    docNo: string;
    from: AccountRow | null;
    to: AccountRow;
    amountFen: number;
    onDate: string;
    townshipCode?: string | null;
    year?: number | null;
    quarter?: number | null;
    basis?: unknown;
    note?: string | null;
    reversalOf?: TransferRow | null;
    /** money leaving the system from `to` (the reversal of a budget receipt) */
    withdraw?: boolean;
  },
): Promise<TransferRow> {
  await lockAll(tx, t.from ? [t.from, t.to] : [t.to]);
  const row = await fundRepo
    .insertTransfer(tx, {
      county_code: t.to.county_code,
      doc_no: t.docNo,
      kind: t.kind,
      township_code: t.townshipCode ?? null,
      year: t.year ?? null,
      quarter: t.quarter ?? null,
      from_account_id: t.from?.id ?? null,
      to_account_id: t.to.id,
      amount_fen: t.amountFen,
      on_date: t.onDate,
      basis: JSON.stringify(t.basis ?? {}),
      note: t.note ?? null,
      reversal_of: t.reversalOf?.id ?? null,
      created_by: actor.id,
      created_by_name: actor.name,
    })
    .catch((e: { code?: string; constraint?: string }) => {
      if (e.code === '23505' && e.constraint === 'loan_fund_transfer_prepay_uq') throw loanErrors.prepaymentExists(`${t.year} 年第 ${t.quarter} 季度`);
      if (e.code === '23505' && e.constraint?.includes('reversal_of')) throw loanErrors.alreadyReversed();
      if (e.code === '23505') throw errors.conflict(`单据号 ${t.docNo} 已被使用`);
      throw e;
    });
  const doc: Doc = { type: 'transfer', id: row.id, no: t.docNo };
  const lineKind = t.reversalOf ? 'reversal' : t.kind;
  if (t.withdraw) {
    await postLine(tx, actor, { account: t.to, kind: lineKind, direction: 'out', amountFen: t.amountFen, date: t.onDate, doc, counterparty: '上级财政预算', memo: t.note });
    return row;
  }
  if (t.from) await postLine(tx, actor, { account: t.from, kind: lineKind, direction: 'out', amountFen: t.amountFen, date: t.onDate, doc, counterparty: t.to.name, memo: t.note });
  await postLine(tx, actor, { account: t.to, kind: lineKind, direction: 'in', amountFen: t.amountFen, date: t.onDate, doc, counterparty: t.from?.name ?? '上级财政预算', memo: t.note });
  return row;
}
