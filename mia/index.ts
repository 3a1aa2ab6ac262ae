// privkit/mia — membership-inference auditing (shadow models, LiRA, RMIA, canaries, ε lower bounds).
// The attacks land with the auditor issues; this entry point exists so that the subpath export resolves.
export {};
