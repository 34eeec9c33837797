# Reference outputs of R surveillance's Farrington detectors on awkward weekly
# series (sparse, zero-heavy, zero reference weeks but the newest, spiky, huge).
# Run: Rscript farrington_robust.R  (writes the two CSV files beside it).
# See PROVENANCE.md for the package versions used.
suppressMessages(library(surveillance))
set.seed(20261207)
n <- 52 * 5 + 12
kinds <- c("sparse", "zero_heavy", "newest_only", "spiky", "huge", "seasonal")
make <- function(kind) {
  y <- switch(kind,
    sparse = rpois(n, 0.3),
    zero_heavy = rbinom(n, 1, 0.05) * rpois(n, 4),
    newest_only = rep(0, n),
    spiky = rpois(n, 2) + rbinom(n, 1, 0.03) * rpois(n, 80),
    huge = rpois(n, 1e7 * (1 + 0.5 * sin(2 * pi * (1:n) / 52))),
    seasonal = rpois(n, 5 * exp(0.8 * sin(2 * pi * (1:n) / 52)))
  )
  if (kind == "newest_only") {
    # only the newest reference week of the last monitored point has cases
    y[n - 52 + 3] <- sample(1:9, 1)
    y[(n - 3):n] <- rpois(4, 3)
  }
  y
}
series <- list(); id <- 0
for (kind in kinds) for (r in 1:24) { id <- id + 1; series[[id]] <- list(kind = kind, y = make(kind)) }
inputs <- do.call(rbind, lapply(seq_along(series), function(i)
  data.frame(series = i, kind = series[[i]]$kind, t = 1:n, observed = series[[i]]$y)))
write.csv(inputs, "farrington_robust_inputs.csv", row.names = FALSE, quote = FALSE)

configs <- list(
  list(name = "farrington", fun = "orig", ctl = list()),
  list(name = "farrington_b3w2_a01", fun = "orig", ctl = list(b = 3, w = 2, alpha = 0.01)),
  list(name = "farrington_b1w0", fun = "orig", ctl = list(b = 1, w = 0)),
  list(name = "flex_delta", fun = "flex", ctl = list(thresholdMethod = "delta")),
  list(name = "flex_nbPlugin", fun = "flex", ctl = list(thresholdMethod = "nbPlugin")),
  list(name = "flex_muan", fun = "flex", ctl = list(thresholdMethod = "muan")),
  list(name = "flex_muan_p10", fun = "flex", ctl = list(thresholdMethod = "muan", noPeriods = 10)),
  list(name = "flex_b1w0", fun = "flex", ctl = list(b = 1, w = 0))
)
range <- (n - 7):n
out <- list()
for (i in seq_along(series)) {
  y <- series[[i]]$y
  for (cf in configs) {
    ctl <- modifyList(cf$ctl, list(range = range))
    res <- tryCatch(suppressWarnings(capture.output({
      if (cf$fun == "orig") {
        d <- sts2disProg(sts(observed = y, frequency = 52))
        r <- algo.farrington(d, control = ctl)
        val <- data.frame(upperbound = r$upperbound[, 1], expected = NA, trend = r$trend[, 1], alarm = r$alarm[, 1])
      } else {
        r <- farringtonFlexible(sts(observed = y, frequency = 52), control = ctl)
        val <- data.frame(upperbound = upperbound(r)[, 1], expected = r@control$expected[, 1],
                          trend = r@control$trend[, 1], alarm = as.integer(alarms(r)[, 1]))
      }
    }, type = "output")), error = function(e) NULL)
    if (is.null(res)) {
      val <- data.frame(upperbound = NA, expected = NA, trend = NA, alarm = NA)
      status <- "error"
    } else status <- "ok"
    out[[length(out) + 1]] <- data.frame(series = i, config = cf$name, t = range, status = status, val)
  }
}
write.csv(do.call(rbind, out), "farrington_robust_r.csv", row.names = FALSE, quote = FALSE, na = "NA")
# qnbinom far out in the tail, where SciPy aborted
big <- expand.grid(mu = c(1e13, 3.7e14, 1e15, 2e16, 1e18, 1e300), phi = c(1, 1.5, 3), p = c(0.05, 0.95))
big$q <- mapply(function(mu, phi, p) if (phi > 1) qnbinom(p, mu / (phi - 1), 1 / phi) else qpois(p, mu),
                big$mu, big$phi, big$p)
write.csv(big, "count_quantiles_r.csv", row.names = FALSE, quote = FALSE)
