// privkit/testing — fast-check arbitraries and properties for users' own vitest suites.
export { accountantLaws } from './accountantLaws.js';
export type { AccountantLaw, AccountantLawsOptions } from './accountantLaws.js';
