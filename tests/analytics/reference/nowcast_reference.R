# Reference outputs of R surveillance::nowcast for tests/analytics/test_nowcast_r.py.
# Run from this folder:  Rscript nowcast_reference.R
# Writes nowcast_inputs.csv (the line lists, as counts per onset and report date), nowcast_cases.csv (the arguments),
# nowcast_lawless.csv and nowcast_bayes.csv (R's nowcast and 95% interval per day).
suppressPackageStartupMessages(library(surveillance))

inputs <- list(); cases <- list(); lawless <- list(); bayes <- list()

run_case <- function(id, data, now, D, m = NULL, nmax = 300, alpha = 0.05) {
  when <- seq(max(min(data$onset), now - D - 2), now, by = "1 day")
  ctrl <- list(N.tInf.max = nmax, alpha = alpha)
  nc <- tryCatch(
    suppressWarnings({
      capture.output(r <- nowcast(now = now, when = when, data = data, dEventCol = "onset",
                                  dReportCol = "report", method = "lawless", D = D, m = m,
                                  control = ctrl))
      r
    }),
    error = function(e) e)
  if (inherits(nc, "error")) {
    cat("case", id, "R error:", conditionMessage(nc), "\n")
    return(invisible(NULL))
  }
  idx <- which(epoch(nc) %in% as.numeric(when))
  dates <- as.Date(epoch(nc)[idx], origin = "1970-01-01")
  run <- length(cases) + 1
  cases[[run]] <<- data.frame(run = run, case = id, now = format(now), D = D,
                                            m = ifelse(is.null(m), NA, m), n_max = nmax,
                                            alpha = alpha)
  lawless[[run]] <<- data.frame(
    run = run, date = format(dates), reported = observed(nc)[idx, 1],
    nowcast = upperbound(nc)[idx, 1], lower = nc@pi[idx, 1, 1], upper = nc@pi[idx, 1, 2])
}

# 1. The package's own example: the 2011 STEC O104:H4 outbreak in Germany.
data("husO104Hosp")
hus <- data.frame(onset = husO104Hosp$dHosp, report = husO104Hosp$dReport)
inputs[["hus"]] <- cbind(case = "hus", hus)
for (now in as.character(as.Date("2011-05-30") + c(0, 3, 6, 10, 14))) {
  for (D in c(7, 15)) run_case("hus", hus, as.Date(now), D)
}
run_case("hus", hus, as.Date("2011-06-02"), 15, m = 20)
run_case("hus", hus, as.Date("2011-06-02"), 15, alpha = 0.1)
run_case("hus", hus, as.Date("2011-06-02"), 15, nmax = 40)

# 2. Seeded random line lists: growth or decline, negative binomial delays, some
# delays longer than D and some reports after now.
set.seed(20261207)
for (k in 1:40) {
  id <- sprintf("rand%02d", k)
  days <- sample(25:70, 1)
  growth <- runif(1, -0.05, 0.08)
  rate <- pmin(pmax(runif(1, 0.5, 15) * exp(growth * (0:(days - 1))), 0.01), 80)
  counts <- rpois(days, rate)
  onset <- as.Date("2026-01-01") + rep(0:(days - 1), counts)
  delay <- rnbinom(length(onset), size = runif(1, 0.5, 5), mu = runif(1, 0.5, 6))
  data <- data.frame(onset = onset, report = onset + delay)
  if (nrow(data) < 5) next
  inputs[[id]] <- cbind(case = id, data)
  D <- sample(c(3, 5, 7, 10, 14, 20), 1)
  now <- as.Date("2026-01-01") + days - 1 - sample(0:3, 1)
  if (as.numeric(now - min(data$onset)) <= D) next
  m <- if (k %% 5 == 0) D + sample(0:10, 1) else NULL
  nmax <- if (k %% 7 == 0) 60 else 300
  run_case(id, data, now, D, m = m, nmax = nmax)
}

# 3. bayes.trunc on the example (Hoehle & an der Heiden 2014), many samples so that
# Monte Carlo noise stays below one case.
set.seed(1)
now <- as.Date("2011-06-02"); when <- seq(now - 15, now, by = "1 day")
prior <- structure("poisgamma", mean.lambda = 50, var.lambda = 3000)
capture.output(nb <- suppressWarnings(nowcast(
  now = now, when = when, data = hus, dEventCol = "onset", dReportCol = "report",
  method = "bayes.trunc", D = 15,
  control = list(N.tInf.prior = prior, nSamples = 1e4, N.tInf.max = 300))))
idx <- which(epoch(nb) %in% as.numeric(when))
bayes[[1]] <- data.frame(case = "hus", date = format(as.Date(epoch(nb)[idx], origin = "1970-01-01")),
                         reported = observed(nb)[idx, 1], nowcast = upperbound(nb)[idx, 1],
                         lower = nb@pi[idx, 1, 1], upper = nb@pi[idx, 1, 2])

# The line lists as counts of identical (onset, report) pairs, to keep the file small.
fmt <- function(df) {
  agg <- aggregate(list(n = rep(1, nrow(df))),
                   list(case = df$case, onset = format(df$onset), report = format(df$report)), sum)
  agg[order(agg$onset, agg$report), ]
}
write.csv(do.call(rbind, lapply(inputs, fmt)), "nowcast_inputs.csv", row.names = FALSE)
write.csv(do.call(rbind, cases), "nowcast_cases.csv", row.names = FALSE)
write.csv(do.call(rbind, lawless), "nowcast_lawless.csv", row.names = FALSE)
write.csv(do.call(rbind, bayes), "nowcast_bayes.csv", row.names = FALSE)
cat("R", R.version.string, "surveillance", format(packageVersion("surveillance")), "\n")
