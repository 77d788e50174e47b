"""The request case engine: the compiled replay (`core`), the rules a case reads (`params`),
scalar computation and explanation (`run`), the result model (`result`) and the batch driver
(`batch_core`). Most callers use `gkdeadline.Case` and `gkdeadline.batch.cases` instead."""
