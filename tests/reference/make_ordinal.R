# Expected values for ivigstats/stats/ordinal.py (2 arms x k ordered categories), from R alone.
# Rerun from the repository root:  Rscript tests/reference/make_ordinal.R
# Needs (Debian packages): r-base-core, r-cran-jsonlite, r-cran-mass, r-cran-proc,
# r-cran-ordinal. Writes tests/reference/ordinal_r.json.
#
# Sources per method (categories empty in both arms are dropped before every call):
#   test/pearson_chi2              chisq.test(reduced 2 x m matrix, correct = FALSE)
#   probability_index/mann_whitney wilcox.test(x1, x2, exact = FALSE, correct = TRUE) on the
#                                  expanded data (W, P); pROC::auc and pROC::var(method =
#                                  "delong") with controls = arm 2, cases = arm 1 (estimate, SE);
#                                  interval plogis(qlogis(auc) +- z sqrt(var) / (auc (1 - auc)))
#   test/linear_trend              prop.trend.test(x = counts1, n = counts1 + counts2,
#                                  score = positions 1..k of the non-empty categories)
#   odds_ratio/proportional_odds   ordinal::clm(y ~ arm, weights, link = "logit"), tight
#                                  tolerances (coefficient, vcov); cross-checked here against
#                                  MASS::polr (m >= 3 categories) to 1e-5.
# Missing values (null) where R errors or returns NaN/NA, or the MLE does not exist
# (separation: the arms overlap in at most one category; clm's fit is checked to diverge).
suppressPackageStartupMessages({
  library(jsonlite); library(MASS); library(pROC); library(ordinal)
})
set.seed(19970301)
na <- NA_real_
num <- function(x) if (length(x) == 0 || !is.finite(x)) na else unname(x)

pearson <- function(a, b, keep) {
  if (sum(keep) < 2 || sum(a) == 0 || sum(b) == 0)
    return(list(statistic = na, df = na, p_value = na))
  t <- suppressWarnings(chisq.test(rbind(a[keep], b[keep]), correct = FALSE))
  list(statistic = num(t$statistic), df = num(t$parameter), p_value = num(t$p.value))
}

mann_whitney <- function(a, b, level = 0.95) {
  x1 <- rep(seq_along(a), a); x2 <- rep(seq_along(b), b)
  out <- list(estimate = na, std_error = na, conf_low = na, conf_high = na,
              statistic = na, p_value = na)
  if (length(x1) == 0 || length(x2) == 0) return(out)
  w <- suppressWarnings(wilcox.test(x1, x2, exact = FALSE, correct = TRUE))
  out$statistic <- num(w$statistic); out$p_value <- num(w$p.value)
  out$estimate <- mean(outer(x1, x2, ">") + 0.5 * outer(x1, x2, "=="))
  if (length(x1) >= 2 && length(x2) >= 2) {
    r <- roc(controls = x2, cases = x1, direction = "<", quiet = TRUE)
    auc <- as.numeric(auc(r))
    stopifnot(abs(auc - out$estimate) < 1e-12)
    v <- var(r, method = "delong")
    out$std_error <- num(sqrt(v))
    if (auc > 0 && auc < 1 && length(unique(c(x1, x2))) > 1) {
      half <- qnorm(1 - (1 - level) / 2) * sqrt(v) / (auc * (1 - auc))
      out$conf_low <- plogis(qlogis(auc) - half); out$conf_high <- plogis(qlogis(auc) + half)
    }
  }
  out
}

trend <- function(a, b, keep) {
  if (sum(keep) < 2 || sum(a) == 0 || sum(b) == 0)
    return(list(statistic = na, df = na, p_value = na))
  t <- prop.trend.test(a[keep], (a + b)[keep], score = seq_along(a)[keep])
  list(statistic = num(t$statistic), df = num(t$parameter), p_value = num(t$p.value))
}

prop_odds <- function(a, b, keep, level = 0.95) {
  out <- list(estimate = na, std_error = na, conf_low = na, conf_high = na,
              statistic = na, p_value = na)
  if (sum(keep) < 2 || sum(a) == 0 || sum(b) == 0) return(out)
  m <- sum(keep)
  d <- data.frame(y = factor(rep(seq_len(m), 2), levels = seq_len(m), ordered = TRUE),
                  arm = rep(c(1, 0), each = m), w = c(a[keep], b[keep]))
  d <- d[d$w > 0, ]
  a1 <- which(a[keep] > 0); b1 <- which(b[keep] > 0)
  separated <- max(a1) <= min(b1) || max(b1) <= min(a1)
  fit <- suppressWarnings(tryCatch(
    clm(y ~ arm, data = d, weights = w, link = "logit",
        control = clm.control(gradTol = 1e-9, relTol = 1e-11, maxIter = 500)),
    error = function(e) NULL))
  if (separated) {
    # no finite MLE: clm must report trouble or run off to a huge coefficient
    stopifnot(is.null(fit) || fit$convergence$code != 0 || abs(coef(fit)["arm"]) > 8 ||
              !is.finite(fit$cond.H) || fit$cond.H > 1e10)
    return(out)
  }
  stopifnot(!is.null(fit), fit$convergence$code == 0)
  beta <- unname(coef(fit)["arm"]); se <- sqrt(vcov(fit)["arm", "arm"])
  if (m >= 3) {
    p <- tryCatch(polr(y ~ arm, data = d, weights = w,
                       control = list(reltol = 1e-15, maxit = 5000)), error = function(e) NULL)
    if (is.null(p)) polr_failed <<- polr_failed + 1 else {
      stopifnot(abs(coef(p)["arm"] - beta) < 1e-5 * max(1, abs(beta)))
      polr_checked <<- polr_checked + 1
    }
  }
  z <- qnorm(1 - (1 - level) / 2)
  list(estimate = exp(beta), std_error = se, conf_low = exp(beta - z * se),
       conf_high = exp(beta + z * se), statistic = beta / se,
       p_value = 2 * pnorm(-abs(beta / se)))
}

polr_checked <- 0; polr_failed <- 0
draw <- function(n, k) as.vector(rmultinom(1, n, rexp(k)^2))
cases <- list(
  list(id = "fazekas1997", a = c(23, 40, 12), b = c(10, 46, 17)),
  list(id = "identical", a = c(5, 10, 5), b = c(5, 10, 5)),
  list(id = "empty_middle", a = c(23, 0, 40, 12), b = c(10, 0, 46, 17)),
  list(id = "empty_last", a = c(23, 40, 12, 0), b = c(10, 46, 17, 0)),
  list(id = "one_category", a = c(0, 7, 0), b = c(0, 4, 0)),
  list(id = "arm2_empty", a = c(3, 4, 5), b = c(0, 0, 0)),
  list(id = "two_by_two", a = c(12, 8), b = c(5, 15)),
  list(id = "two_by_two_zero", a = c(12, 0), b = c(5, 15)),
  list(id = "separated", a = c(0, 0, 3, 9), b = c(4, 2, 0, 0)),
  list(id = "quasi_separated", a = c(0, 2, 3), b = c(4, 2, 0)),
  list(id = "one_each", a = c(0, 1, 0), b = c(1, 0, 0)),
  list(id = "single_arm1", a = c(0, 1, 0), b = c(3, 4, 5)),
  list(id = "overlap_two", a = c(1, 0, 2), b = c(0, 3, 0))
)
types <- c("small", "large", "empty_categories", "concentrated", "separated", "tiny")
for (i in seq_len(230)) {
  type <- types[(i - 1) %% length(types) + 1]
  k <- sample(2:7, 1)
  n <- if (type == "large") sample(200:5000, 2) else if (type == "tiny") sample(0:4, 2)
       else sample(3:40, 2)
  a <- draw(n[1], k); b <- draw(n[2], k)
  if (type == "empty_categories" && k > 2) {
    z <- sample(k, sample(seq_len(k - 1), 1)); a[z] <- 0; b[z] <- 0
  }
  if (type == "concentrated") {
    j <- sample(k, 1)
    if (i %% 2) a <- replace(0 * a, j, sum(a)) else b <- replace(0 * b, j, sum(b))
  }
  if (type == "separated") {
    j <- sample(k, 1)
    a <- replace(a, seq_len(j - 1), 0); b <- replace(b, seq_len(k)[seq_len(k) > j], 0)
    if (i %% 4 == 1) { s <- a; a <- b; b <- s }
  }
  cases[[length(cases) + 1]] <- list(id = sprintf("%s_%03d", type, i), a = a, b = b)
}

out <- lapply(cases, function(cs) {
  keep <- (cs$a + cs$b) > 0
  list(id = cs$id, counts1 = cs$a, counts2 = cs$b, expected = list(
    "test/pearson_chi2" = pearson(cs$a, cs$b, keep),
    "probability_index/mann_whitney" = mann_whitney(cs$a, cs$b),
    "test/linear_trend" = trend(cs$a, cs$b, keep),
    "odds_ratio/proportional_odds" = prop_odds(cs$a, cs$b, keep)))
})
doc <- list(r_version = R.version.string, conf_level = 0.95,
            packages = sapply(c("MASS", "pROC", "ordinal", "jsonlite"),
                              function(p) as.character(packageVersion(p)), simplify = FALSE),
            cases = out)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           "tests/reference/ordinal_r.json")
cat("MASS::polr agreed with clm on", polr_checked, "tables; polr failed to start on",
    polr_failed, "\n")
cat(length(out), "cases written to tests/reference/ordinal_r.json\n")
