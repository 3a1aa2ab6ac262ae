// Types of Vite's asset imports (`…wasm?url`), for tsc.
/// <reference types="vite/client" />
