// privkit/testing — fast-check arbitraries and properties for users' own vitest suites.
export {};
