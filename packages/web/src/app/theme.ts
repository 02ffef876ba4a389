import type { ThemeConfig } from 'antd';

// Government-system red accents are avoided on purpose: red means "error" in every list.
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fbf',
    borderRadius: 4,
    // A user who asks the system for less motion gets none: drawers, modals and drop-downs
    // appear in place. It also means an automated browser (tests run with reduced motion) never
    // clicks a drawer or an option while it is still sliding in.
    motion: !prefersReducedMotion(),
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif",
  },
};

function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
