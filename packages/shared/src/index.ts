export * from './date';
export * from './idcard';
export * from './area';
export * from './calendar';
export * from './money';
export * from './subsidy';
export * from './schemas/common';
