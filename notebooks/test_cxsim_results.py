"""Tests of cxsim_results: pure helpers on synthetic data, then the whole chain on a real small results file."""

import math
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock
from pathlib import Path

import numpy as np
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cxsim_results as cx  # noqa: E402


def _synthetic(values):
    """A [roadmap, replication] DataArray from a list of rows."""
    arr = np.asarray(values, dtype=float)
    return xr.DataArray(arr, dims=("roadmap", "replication"),
                        coords={"roadmap": [f"r{i}" for i in range(arr.shape[0])],
                                "replication": np.arange(arr.shape[1])})


class FormatMoneyTest(unittest.TestCase):
    def test_suffixes_and_significant_figures(self):
        self.assertEqual(cx.format_money(0), "0")
        self.assertEqual(cx.format_money(12.345), "12.3")
        self.assertEqual(cx.format_money(1234567), "1.23M")
        self.assertEqual(cx.format_money(1.284e9), "1.28B")
        self.assertEqual(cx.format_money(97.6e6, "USD"), "USD 97.6M")

    def test_negative_nan_and_carry(self):
        self.assertEqual(cx.format_money(-97.6e6, "USD"), "-USD 97.6M")
        self.assertEqual(cx.format_money(float("nan")), "n/a")
        # 999,960 rounds to 1000k at three figures: shown as 1.00M instead.
        self.assertEqual(cx.format_money(999960), "1.00M")
        self.assertEqual(cx.format_money(-0.0001, digits=2), "-0.00010")

    def test_tick_formatter_drops_trailing_zeros(self):
        f = cx.money_formatter()
        self.assertEqual(f(5e6, 0), "5M")
        self.assertEqual(f(2.5e6, 0), "2.5M")
        self.assertEqual(f(0, 0), "0")


class StatisticsTest(unittest.TestCase):
    def test_paired_delta_subtracts_the_baseline_replication_by_replication(self):
        da = _synthetic([[1, 2, 3], [2, 5, 3]])
        d = cx.paired_delta(da, "r0")
        np.testing.assert_array_equal(d.sel(roadmap="r1").values, [1, 3, 0])
        np.testing.assert_array_equal(d.sel(roadmap="r0").values, [0, 0, 0])

    def test_interval_matches_numpy_linear_percentiles_and_ignores_nan(self):
        rng = np.random.default_rng(1)
        x = rng.normal(size=(2, 101))
        x[1, 7] = np.nan
        iv = cx.interval(_synthetic(x), level=0.90)
        for i in range(2):
            row = x[i][~np.isnan(x[i])]
            self.assertAlmostEqual(float(iv["low"][i]), np.percentile(row, 5))
            self.assertAlmostEqual(float(iv["median"][i]), np.percentile(row, 50))
            self.assertAlmostEqual(float(iv["high"][i]), np.percentile(row, 95))
            self.assertAlmostEqual(float(iv["mean"][i]), row.mean())

    def test_probability_with_wilson_interval(self):
        flags = _synthetic([[1] * 20, [1] * 10 + [0] * 10])
        p = cx.probability(flags)
        self.assertEqual(float(p.p[0]), 1.0)
        self.assertEqual(float(p.p[1]), 0.5)
        # Wilson 95% for 20/20 is about 0.839..1; for 10/20 about 0.299..0.701.
        self.assertAlmostEqual(float(p.low[0]), 0.8389, places=3)
        self.assertAlmostEqual(float(p.high[0]), 1.0)
        self.assertAlmostEqual(float(p.low[1]), 0.2993, places=3)
        self.assertAlmostEqual(float(p.high[1]), 0.7007, places=3)

    def test_probability_skips_nan(self):
        p = cx.probability(_synthetic([[1, np.nan, 0, 1]]))
        self.assertEqual(int(p.n[0]), 3)
        self.assertAlmostEqual(float(p.p[0]), 2 / 3)


class FindCxsimTest(unittest.TestCase):
    """Search order: $CXSIM, then PATH, then build/cli/cxsim in the checkout."""

    def setUp(self):
        self.saved = {k: os.environ.get(k) for k in ("CXSIM", "PATH")}
        self.tmp = Path(tempfile.mkdtemp(prefix="cxsim-find-"))
        self.empty_dir = self.tmp / "empty"
        self.empty_dir.mkdir()

    def tearDown(self):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self.tmp)

    def fake(self, relative, executable=True):
        """A stand-in cxsim at tmp/relative."""
        path = self.tmp / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\necho fake\n")
        path.chmod(0o755 if executable else 0o644)
        return path

    def test_env_var_wins_over_path(self):
        env = self.fake("env/cxsim")
        self.fake("on_path/cxsim")
        os.environ["CXSIM"] = str(env)
        os.environ["PATH"] = str(self.tmp / "on_path")
        self.assertEqual(cx.find_cxsim(), env)

    def test_env_var_naming_nothing_is_a_clear_error_not_a_fallback(self):
        self.fake("on_path/cxsim")
        os.environ["CXSIM"] = "/nonexistent/cxsim"
        os.environ["PATH"] = str(self.tmp / "on_path")
        with self.assertRaises(FileNotFoundError) as ctx:
            cx.find_cxsim()
        self.assertIn("$CXSIM=/nonexistent/cxsim", str(ctx.exception))

    def test_path_comes_before_the_checkout_build(self):
        on_path = self.fake("on_path/cxsim")
        self.fake("not_executable/cxsim", executable=False)
        os.environ.pop("CXSIM", None)
        os.environ["PATH"] = os.pathsep.join([str(self.tmp / "not_executable"), str(on_path.parent)])
        with mock.patch.object(cx, "repo_root", return_value=self.tmp / "checkout"):
            self.fake("checkout/build/cli/cxsim")
            self.assertEqual(cx.find_cxsim(), on_path)

    def test_checkout_build_when_not_on_path(self):
        os.environ.pop("CXSIM", None)
        os.environ["PATH"] = str(self.empty_dir)
        with mock.patch.object(cx, "repo_root", return_value=self.tmp / "checkout"):
            build = self.fake("checkout/build/cli/cxsim")
            self.assertEqual(cx.find_cxsim(), build)

    def test_nothing_found_lists_every_place_tried(self):
        os.environ.pop("CXSIM", None)
        os.environ["PATH"] = str(self.empty_dir)
        with mock.patch.object(cx, "repo_root", return_value=self.tmp / "checkout"):
            with self.assertRaises(FileNotFoundError) as ctx:
                cx.find_cxsim()
        message = str(ctx.exception)
        for tried in ("$CXSIM (not set)", "cxsim on PATH",
                      str(self.tmp / "checkout" / "build" / "cli" / "cxsim"), "cmake --install"):
            self.assertIn(tried, message)

    def test_scenario_path_resolves_bundled_names(self):
        self.assertEqual(cx.scenario_path("telecom"), cx.repo_root() / "scenarios" / "telecom.yaml")
        self.assertTrue(cx.scenario_path("telecom").exists())


class KernelTest(unittest.TestCase):
    def test_python3_kernel_runs_this_python(self):
        # The notebook tests execute with the kernel named python3; it must be the interpreter that
        # has Debian's numpy, h5py and xarray (python3-ipykernel installs it for /usr/bin/python3).
        try:
            from jupyter_client.kernelspec import KernelSpecManager
        except ImportError:
            self.skipTest("jupyter_client not installed")
        spec = KernelSpecManager().get_kernel_spec("python3")
        exe = shutil.which(spec.argv[0]) or spec.argv[0]
        self.assertEqual(os.path.realpath(exe), os.path.realpath(sys.executable))


class PaybackAndTiesTest(unittest.TestCase):
    def test_probability_counts_a_tie_as_its_share(self):
        # is_best is 1/k for a k-way tie: two ties and one outright win in 4 replications is 50%.
        p = cx.probability(_synthetic([[0.5, 0.5, 1, 0]]))
        self.assertAlmostEqual(float(p.p[0]), 0.5)

    def test_payback_median_counts_never_as_later_than_every_month(self):
        nan = np.nan
        self.assertEqual(cx.payback_median([3, 5, 4]), 4)
        # ceil(n/2)-th smallest, never = later than every month.
        self.assertEqual(cx.payback_median([3, nan, 5]), 5)
        self.assertEqual(cx.payback_median([1, 2, 3, nan, nan, nan]), 3)    # exactly half pay back
        self.assertTrue(math.isinf(cx.payback_median([1, 2, nan, nan, nan])))  # fewer than half
        self.assertTrue(math.isinf(cx.payback_median([nan, nan])))
        self.assertTrue(math.isnan(cx.payback_median([])))
        # Not the median of those that pay back (that would read month 2 here).
        self.assertTrue(math.isinf(cx.payback_median([2, nan, nan])))
        self.assertEqual(cx.format_payback(math.inf), "never")
        self.assertEqual(cx.format_payback(math.nan), "-")
        self.assertEqual(cx.format_payback(14.0, "month "), "month 14")


def _cxsim_available():
    try:
        cx.find_cxsim()
        return True
    except FileNotFoundError:
        return False


@unittest.skipUnless(_cxsim_available(), "cxsim executable not built (set CXSIM or build build/cli/cxsim)")
class RealResultsFileTest(unittest.TestCase):
    """One small telecom run, shared by the tests below."""

    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="cxsim-test-"))
        cls.path = cx.run("telecom", cls.dir / "t.h5", replications=6, agents=1500,
                          extra=["--avoidable-cost"])
        cls.res = cx.open_results(cls.path)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_groups_roadmaps_and_baseline(self):
        res = self.res
        for g in ("timeseries", "by_segment", "by_touchpoint", "summary", "statistics",
                  "zd_timeseries", "zd_summary"):
            self.assertIn(g, res.groups)
        self.assertEqual(res.baseline, "baseline")
        self.assertEqual(res.roadmaps[0], "baseline")
        self.assertNotIn("baseline", res.alternatives)
        self.assertEqual(res.summary.sizes["replication"], 6)
        self.assertEqual(res.timeseries.sizes["month"], int(res.attrs["horizon_months"]))
        self.assertTrue(res.has_zero_defect)

    def test_discount_factor_matches_the_file(self):
        ts = self.res.timeseries
        ratio = (ts.discounted_cash_flow / ts.net_cash_flow).isel(roadmap=0, replication=0)
        np.testing.assert_allclose(ratio.values, self.res.discount_factor.values, rtol=1e-9)

    def test_format_1_1_attributes(self):
        attrs = self.res.attrs
        self.assertEqual(str(attrs["format_version"]).split(".")[0], "1")
        self.assertEqual(self.res.terminal_value, "customer_equity_net")
        self.assertEqual(self.res.terminal_value, self.res.scenario["terminal_value"])
        # The currency comes from the file (the telecom scenario's), not from the notebook.
        self.assertEqual(self.res.currency, "USD")
        self.assertEqual(self.res.currency, self.res.scenario["currency"])

    def test_npv_is_cash_plus_terminal_and_rebuilds_from_timeseries(self):
        s = self.res.summary
        close = lambda a, b: np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-2)
        close(s.npv_cash + s.npv_terminal, s.npv)
        close(cx.npv_cash_from_timeseries(self.res), s.npv_cash)
        close(cx.terminal_from_timeseries(self.res), s.npv_terminal)
        close(cx.npv_from_timeseries(self.res), s.npv)
        # Net of the sustaining cost: the terminal value is the discounted equity at the horizon
        # less terminal_sustaining_cost, never the gross equity (unless nothing is in force).
        disc_T = float(self.res.discount_factor.isel(month=-1))
        gross = self.res.timeseries.customer_equity.isel(month=-1) * disc_T
        close(gross - s.terminal_sustaining_cost, s.npv_terminal)
        self.assertTrue(bool((s.terminal_sustaining_cost.sel(roadmap="baseline") == 0).all()))
        self.assertTrue(bool((s.terminal_sustaining_cost.drop_sel(roadmap="baseline") > 0).all()))

    def test_npv_under_every_terminal_choice(self):
        res, s = self.res, self.res.summary
        close = lambda a, b: np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-2)
        for choice in cx.TERMINAL_CHOICES:
            close(cx.npv_from_timeseries(res, choice), s[f"npv_{choice}"])
            close(cx.paired_delta(s[f"npv_{choice}"], res.baseline), s[f"delta_npv_{choice}"])
        close(s.npv_none, s.npv_cash)
        close(s[f"npv_{res.terminal_value}"], s.npv)
        # The gross choice counts what initiatives buy after the horizon but not what they cost.
        close(s.npv_customer_equity - s.npv_customer_equity_net, s.terminal_sustaining_cost)

    def test_terminal_sustaining_cost_is_opex_in_force_times_remaining_lifetime(self):
        # O_T L_T / (1 + d)^T (MODEL.md section 3), O_T summed from the resolved scenario's roadmaps.
        res = self.res
        T = int(res.attrs["horizon_months"])
        library = {i["name"]: i for i in res.scenario["initiatives"]}
        disc_T = float(res.discount_factor.isel(month=-1))
        for roadmap in res.scenario["roadmaps"]:
            o_t = 0.0
            for item in roadmap.get("initiatives") or []:
                use = item if isinstance(item, dict) else {"use": item}
                lib = library[use.get("use", use.get("name"))]
                get = lambda key, default=None: use.get(key, lib.get(key, default))
                sustaining = get("sustaining_opex_per_month", get("opex_per_month", 0))
                if not isinstance(sustaining, (int, float)):
                    self.skipTest("a sustaining opex is a distribution: O_T differs by replication")
                end = get("end_month")
                if get("start_month", 1) <= T and (end is None or end >= T):
                    o_t += sustaining
            name = roadmap["name"]
            for ts, summary in ((res.timeseries, res.summary), (res.zd_timeseries, res.zd_summary)):
                lifetime = ts.discounted_lifetime.sel(roadmap=name).isel(month=-1)
                np.testing.assert_allclose(summary.terminal_sustaining_cost.sel(roadmap=name).values,
                                           (o_t * lifetime * disc_T).values, rtol=1e-9, atol=1e-3)
        # The zero-defect twin keeps its customers longer, so it carries more sustaining cost.
        alt = res.alternatives
        self.assertTrue(bool((res.zd_summary.terminal_sustaining_cost.sel(roadmap=alt)
                              > res.summary.terminal_sustaining_cost.sel(roadmap=alt)).all()))

    def test_paired_delta_of_npv_is_delta_npv(self):
        s = self.res.summary
        np.testing.assert_allclose(cx.paired_delta(s.npv, self.res.baseline).values,
                                   s.delta_npv.values, rtol=1e-9, atol=1e-3)

    def test_cumulative_delta_cash_at_horizon_plus_delta_terminal_is_delta_npv(self):
        res, s = self.res, self.res.summary
        close = lambda a, b: np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-2)
        cum = cx.cumulative_discounted_delta(res).isel(month=-1, drop=True)
        close(cum, s.delta_npv_cash)
        close(cx.paired_delta(s.npv_terminal, res.baseline), s.delta_npv_terminal)
        close(cum + s.delta_npv_terminal, s.delta_npv)
        split = cx.value_split(res)
        close(split.cash + split.terminal, split.delta_npv)

    def test_breakdown_adds_up_to_total_avoidable_cost(self):
        res, s = self.res, self.res.summary
        close = lambda a, b: np.testing.assert_allclose(a.values, b.values, rtol=1e-9, atol=1e-2)
        parts = cx.avoidable_breakdown(res)
        self.assertEqual(set(parts.data_vars), set(cx.BREAKDOWN_LABELS))
        self.assertEqual(set(cx.CASH_LINES) | set(cx.TERMINAL_LINES), set(cx.BREAKDOWN_LABELS))
        close(sum(parts[k] for k in parts.data_vars), s.avoidable_cost_total)
        # The cash lines are the cash part; the terminal line is the difference of npv_terminal
        # between the zero-defect twin and the roadmap (net of the twin's larger sustaining cost).
        close(sum(parts[k] for k in cx.CASH_LINES), s.avoidable_cost_cash)
        close(parts.lost_equity, res.zd_summary.npv_terminal - s.npv_terminal)
        close(parts.lost_equity, s.avoidable_cost_terminal)
        close(s.avoidable_cost_cash + s.avoidable_cost_terminal, s.avoidable_cost_total)
        close(res.zd_summary.npv_cash - s.npv_cash, s.avoidable_cost_cash)
        split = cx.avoidable_split(res)
        close(split.cash + split.terminal, split.total)
        # Failures cost money directly: the first line is positive for every roadmap.
        self.assertTrue(bool((parts.failure_handling > 0).all()))

    def test_payback_share_and_median(self):
        res, s = self.res, self.res.summary
        pays = cx.payback_summary(res)
        alt = res.alternatives
        np.testing.assert_array_equal(s.paid_back.sel(roadmap=alt).values,
                                      s.payback_month.sel(roadmap=alt).notnull().values.astype(float))
        self.assertTrue(bool(s.paid_back.sel(roadmap=res.baseline).isnull().all()))
        for r in alt:
            v = s.payback_month.sel(roadmap=r).values
            self.assertAlmostEqual(float(pays.share.sel(roadmap=r)), float(np.mean(~np.isnan(v))))
            months = np.sort(np.where(np.isnan(v), np.inf, v))
            self.assertEqual(float(pays["median"].sel(roadmap=r)), months[(len(v) + 1) // 2 - 1])
        self.assertTrue(math.isnan(float(pays.share.sel(roadmap=res.baseline))))
        self.assertTrue(math.isnan(float(pays["median"].sel(roadmap=res.baseline))))

    def test_prob_best_is_the_mean_of_is_best(self):
        res, s = self.res, self.res.summary
        best = cx.prob_best(res)
        np.testing.assert_allclose(best.values, s.is_best.mean("replication").values)
        self.assertAlmostEqual(float(best.sum()), 1.0)
        # The same as ranking the NPVs (ties split).
        top = (s.npv == s.npv.max("roadmap")).astype(float)
        np.testing.assert_allclose(best.values, (top / top.sum("roadmap")).mean("replication").values)
        for choice in cx.TERMINAL_CHOICES:
            self.assertAlmostEqual(float(cx.prob_best(res, choice).sum()), 1.0)

    def test_robustness_group_matches_the_summary(self):
        res = self.res
        self.assertIn("robustness", res.groups)
        mine, file = cx.robustness_from_summary(res), res.robustness
        self.assertEqual([str(c) for c in file.terminal_value.values], list(cx.TERMINAL_CHOICES))
        for name in ("mean_delta_npv", "p_best", "rank"):
            np.testing.assert_allclose(mine[name].values, file[name].values, rtol=1e-9, atol=1e-3)
        text = cx.terminal_choice_text(res)
        for choice in cx.TERMINAL_CHOICES:
            self.assertIn(f"**{choice}**", text)

    def test_touchpoint_ledger_sums_to_the_failure_cost_line(self):
        res = self.res
        np.testing.assert_allclose(res.by_touchpoint.failure_cost.sum("touchpoint").values,
                                   res.timeseries.failure_cost.values, rtol=1e-9, atol=1e-6)

    def test_ranked_table_recommendation_and_plan(self):
        table = cx.ranked_table(self.res)
        self.assertEqual(sorted(table.index), sorted(self.res.roadmaps))
        means = table["vs baseline mean"].values
        self.assertTrue(all(means[i] >= means[i + 1] for i in range(len(means) - 1)))
        for col in ("vs baseline: cash mean", "vs baseline: terminal mean", "P(best)",
                    "P(pays back)", "payback median (month)"):
            self.assertIn(col, table.columns)
        np.testing.assert_allclose(
            table["vs baseline: cash mean"] + table["vs baseline: terminal mean"],
            table["vs baseline mean"], rtol=1e-9, atol=1e-2)
        text = cx.recommendation(self.res)      # the currency comes from the file
        self.assertIn(table.index[0], text)
        self.assertIn("USD", text)
        self.assertIn("P(best)", text)
        self.assertIn("terminal value", text)
        pays = cx.payback_summary(self.res)
        if table.index[0] != self.res.baseline and math.isinf(float(pays["median"].sel(roadmap=table.index[0]))):
            self.assertIn("does not pay back within the horizon", text)
            self.assertNotIn("the median payback is month", text)
        plan = cx.roadmap_plan(self.res)
        self.assertEqual(plan["baseline"], [])
        self.assertIn(("digital_app", 10), plan["billing_then_digital"])

    def test_charts_draw(self):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 3)
        cx.plot_fan(axes[0], self.res)
        cx.plot_avoidable_breakdown(axes[1], self.res)
        cx.plot_value_split(axes[2], self.res)
        for ax in axes:
            self.assertTrue(ax.get_title())
            self.assertTrue(ax.get_xlabel())
            self.assertIn("USD", ax.get_ylabel() + ax.get_xlabel())
            self.assertIsNotNone(ax.get_legend())
        # The avoidable cost picture shows the terminal part apart from the cash part.
        ticks = " ".join(t.get_text() for t in axes[1].get_xticklabels())
        self.assertIn("CASH", ticks)
        self.assertIn("TERMINAL", ticks)
        plt.close(fig)

    def test_run_overrides_and_errors(self):
        sets = {"analysis.zero_defect_counterfactual": "false"}
        lo, hi = (cx.open_results(cx.run("telecom", self.dir / f"billing_{v}.h5", replications=2,
                                         agents=1000, sets={**sets, "touchpoints.billing.failure_rate": v}))
                  for v in (0.2, 0.6))
        self.assertFalse(lo.has_zero_defect)
        # Same seed, more billing failures: more failure cost in the baseline.
        self.assertGreater(float(hi.timeseries.failure_cost.sel(roadmap="baseline").sum()),
                           float(lo.timeseries.failure_cost.sel(roadmap="baseline").sum()))
        with self.assertRaises(RuntimeError) as ctx:
            cx.run("telecom", self.dir / "bad.h5", replications=1, agents=1000,
                   sets={"touchpoints.billing.failure_rat": 0.3})
        self.assertIn("did you mean", str(ctx.exception))
        with self.assertRaises(ValueError):
            cx.avoidable_breakdown(lo)

    def test_open_rejects_other_files(self):
        import h5py
        other = self.dir / "other.h5"
        with h5py.File(other, "w") as f:
            f.attrs["format"] = "something-else"
        with self.assertRaises(ValueError):
            cx.open_results(other)
        with self.assertRaises(ValueError):
            cx.open_experiment(other)
        # A run's file is not an experiment's.
        with self.assertRaises(ValueError) as ctx:
            cx.open_experiment(self.path)
        self.assertIn("open_results", str(ctx.exception))


def _saltelli(f, N, k, rng):
    """Outputs of f over a Monte Carlo Saltelli design (uniform inputs), in the file's point order."""
    A, B = rng.random((N, k)), rng.random((N, k))
    blocks = [A, B]
    for i in range(k):
        AB = A.copy()
        AB[:, i] = B[:, i]
        blocks.append(AB)
    X = np.concatenate(blocks)
    return xr.DataArray(f(X), dims="point", coords={"point": np.arange(len(X))})


class SobolIndicesTest(unittest.TestCase):
    def test_formulas_on_numbers_worked_by_hand(self):
        # N = 2, k = 1: yA = (1, 3), yB = (2, 6), yAB = (2, 5). V = var(1, 3, 2, 6) = 3.5 (divisor 2N).
        y = xr.DataArray([1.0, 3.0, 2.0, 6.0, 2.0, 5.0], dims="point")
        ind = cx.sobol_indices(y, ["x"])
        # m = mean(1, 3, 2, 6) = 3; S1 = mean((yB - m) (yAB - yA)) / V = (-1 * 1 + 3 * 2) / 2 / 3.5;
        # ST = mean((yA - yAB)^2) / 2V.
        self.assertAlmostEqual(float(ind.S1.sel(factor="x")), 2.5 / 3.5, places=12)
        self.assertAlmostEqual(float(ind.ST.sel(factor="x")), 2.5 / 7.0, places=12)
        self.assertEqual(list(ind.factor.values), ["x"])

    def test_additive_model_gives_its_variance_shares(self):
        # y = 4 x0 + 2 x1 + 0 x2 on uniform inputs: S1 = ST = c_i^2 / sum c^2 = 0.8, 0.2, 0.
        rng = np.random.default_rng(5)
        y = _saltelli(lambda X: 4 * X[:, 0] + 2 * X[:, 1] + 0 * X[:, 2], 4096, 3, rng)
        ind = cx.sobol_indices(y, ["a", "b", "c"], bootstrap=200, seed=1)
        np.testing.assert_allclose(ind.S1.values, [0.8, 0.2, 0.0], atol=0.05)
        np.testing.assert_allclose(ind.ST.values, [0.8, 0.2, 0.0], atol=0.02)
        self.assertEqual(float(ind.ST.sel(factor="c")), 0.0)        # yAB_c == yA exactly
        for name in ("S1", "ST"):
            self.assertTrue(bool((ind[f"{name}_low"] <= ind[f"{name}_high"]).all()))
            self.assertTrue(bool((ind[f"{name}_low"].sel(factor=["a", "b"]) < [0.8, 0.2]).all()))
            self.assertTrue(bool((ind[f"{name}_high"].sel(factor=["a", "b"]) > [0.8, 0.2]).all()))
        again = cx.sobol_indices(y, ["a", "b", "c"], bootstrap=200, seed=1)
        xr.testing.assert_identical(ind, again)                      # intervals follow the seed

    def test_extra_dimensions_and_nan_rules(self):
        rng = np.random.default_rng(2)
        y1 = _saltelli(lambda X: X[:, 0] + X[:, 1] ** 2, 64, 2, rng)
        y = xr.concat([y1, xr.zeros_like(y1), y1.copy()], dim=pd_index(["r", "flat", "nan"], "roadmap"))
        y.loc[{"roadmap": "nan", "point": 2 * 64 + 64 + 3}] = np.nan      # in AB_1 only
        ind = cx.sobol_indices(y, ["x0", "x1"], bootstrap=20)
        self.assertEqual(ind.S1.dims, ("roadmap", "factor"))
        self.assertTrue(bool(ind.S1.sel(roadmap="flat").isnull().all()))  # output does not vary
        self.assertTrue(bool(ind.ST_low.sel(roadmap="flat").isnull().all()))
        self.assertFalse(bool(ind.S1.sel(roadmap="nan", factor="x0").isnull()))
        self.assertTrue(bool(ind.S1.sel(roadmap="nan", factor="x1").isnull()))
        np.testing.assert_array_equal(ind.S1.sel(roadmap="nan", factor="x0").values,
                                      ind.S1.sel(roadmap="r", factor="x0").values)
        y.loc[{"roadmap": "nan", "point": 0}] = np.inf                   # in A: every factor
        self.assertTrue(bool(cx.sobol_indices(y, ["x0", "x1"]).S1.sel(roadmap="nan").isnull().all()))

    def test_a_shifted_output_gives_the_same_indices_and_intervals(self):
        # yB is centred on the mean of yA and yB: shifting every output by a constant changes
        # nothing but rounding, and an output far from 0 keeps sharp S1 intervals.
        rng = np.random.default_rng(11)
        y = _saltelli(lambda X: 4 * X[:, 0] + 2 * X[:, 1], 256, 2, rng)
        shifted = y + 100.0                       # mean 103 against a spread of about 1.3
        a = cx.sobol_indices(y, ["a", "b"], bootstrap=200, seed=3)
        b = cx.sobol_indices(shifted, ["a", "b"], bootstrap=200, seed=3)
        for name in ("S1", "ST", "S1_low", "S1_high"):
            np.testing.assert_allclose(getattr(a, name).values, getattr(b, name).values, rtol=1e-6)
        np.testing.assert_allclose(b.S1.values, [0.8, 0.2], atol=0.1)
        self.assertLess(float((b.S1_high - b.S1_low).mean()), 0.3)

    def test_rejects_a_point_count_that_is_not_n_k_plus_2(self):
        with self.assertRaises(ValueError):
            cx.sobol_indices(xr.DataArray(np.arange(7.0), dims="point"), ["a"])
        with self.assertRaises(ValueError):
            cx.sobol_indices(xr.DataArray(np.arange(6.0), dims="x"), ["a"])


def pd_index(values, name):
    import pandas as pd
    return pd.Index(values, name=name)


class IntervalTest(unittest.TestCase):
    def test_t_quantile(self):
        self.assertAlmostEqual(cx.t_quantile(0.975, 1), math.tan(0.475 * math.pi), places=9)
        # df = 2 in closed form: t = (2p - 1) / sqrt(2 p (1 - p)).
        self.assertAlmostEqual(cx.t_quantile(0.975, 2), 0.95 / math.sqrt(2 * 0.975 * 0.025), places=9)
        for df, t in ((3, 3.182446305), (7, 2.364624252), (10, 2.228138852), (30, 2.042272456),
                      (100, 1.983971519)):
            self.assertAlmostEqual(cx.t_quantile(0.975, df), t, places=8)
        self.assertAlmostEqual(cx.t_quantile(0.95, 4), 2.131846786, places=8)
        self.assertAlmostEqual(cx.t_quantile(0.025, 5), -cx.t_quantile(0.975, 5), places=12)
        self.assertAlmostEqual(cx.t_quantile(0.5, 3), 0.0, places=12)
        self.assertTrue(math.isnan(cx.t_quantile(0.975, 0)))

    def test_mean_interval_from_statistics_and_from_replications(self):
        rep = _synthetic([[1.0, 2.0, 6.0], [3.0, 3.0, np.nan]])
        iv = cx.mean_interval_over(rep, level=0.95)
        np.testing.assert_allclose(iv["mean"].values, [3.0, 3.0])
        np.testing.assert_array_equal(iv["n"].values, [3, 2])
        half = cx.t_quantile(0.975, 2) * np.std([1, 2, 6], ddof=1) / math.sqrt(3)
        self.assertAlmostEqual(float(iv["high"][0]), 3.0 + half, places=12)
        self.assertAlmostEqual(float(iv["low"][1]), 3.0)              # no spread: no width
        stats = xr.DataArray([[3.0, 1.0, 4.0], [5.0, 2.0, 1.0]], dims=("point", "statistic"),
                             coords={"statistic": ["mean", "se", "n"]})
        iv = cx.mean_interval(stats)
        self.assertAlmostEqual(float(iv["low"][0]), 3.0 - cx.t_quantile(0.975, 3))
        self.assertTrue(bool(iv["low"][1].isnull()))                 # one replication: no interval


class ScenarioValueTest(unittest.TestCase):
    def test_paths_through_named_lists_and_distributions(self):
        import yaml
        scenario = yaml.safe_load(cx.scenario_path("telecom").read_text())
        self.assertEqual(cx.scenario_value(scenario, "touchpoints.billing.failure_rate"), 0.5)
        self.assertEqual(cx.scenario_value(scenario, "churn.satisfaction"), {"triangular": [0.3, 0.45, 0.6]})
        self.assertEqual(cx.format_value({"triangular": [0.3, 0.45, 0.6]}), "triangular(0.3, 0.45, 0.6)")
        self.assertEqual(cx.format_value(0.5), "0.5")
        for bad in ("touchpoints.nowhere.failure_rate", "churn.satisfaction.mean"):
            with self.assertRaises(KeyError):
                cx.scenario_value(scenario, bad)


class ExperimentFilesTest(unittest.TestCase):
    """The bundled experiment files and the command lines run_experiment builds (a stand-in cxsim)."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="cxsim-exp-"))
        self.saved = os.environ.get("CXSIM")
        self.log = self.tmp / "args"
        fake = self.tmp / "cxsim"
        fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {self.log}\n')
        fake.chmod(0o755)
        os.environ["CXSIM"] = str(fake)

    def tearDown(self):
        if self.saved is None:
            os.environ.pop("CXSIM", None)
        else:
            os.environ["CXSIM"] = self.saved
        shutil.rmtree(self.tmp)

    def args(self):
        return self.log.read_text().splitlines()

    def test_bundled_experiments_load_with_an_absolute_scenario(self):
        for name, block in (("telecom_sweep", "sweep"), ("telecom_sobol", "sensitivity"),
                            ("telecom_tornado", "sensitivity")):
            path = cx.experiment_path(name)
            self.assertTrue(path.is_file(), path)
            data = cx.load_experiment(name)
            self.assertIn(block, data)
            scenario = Path(data["scenario"])
            self.assertTrue(scenario.is_absolute())
            self.assertEqual(scenario.resolve(), cx.scenario_path("telecom").resolve())
        self.assertEqual(cx.load_experiment("telecom_sobol")["sensitivity"]["method"], "sobol")

    def test_a_file_is_run_where_it_is(self):
        out = self.tmp / "w" / "sweep.h5"
        cx.run_experiment("sweep", cx.experiment_path("telecom_sweep"), out, agents=500,
                          replications=3, seed=9, threads=1, sets={"discount_rate_annual": 0.07})
        args = self.args()
        self.assertEqual(args[:4], ["sweep", str(cx.experiment_path("telecom_sweep")), "-o", str(out)])
        for flag, value in (("--replications", "3"), ("--seed", "9"), ("--threads", "1")):
            self.assertEqual(args[args.index(flag) + 1], value)
        self.assertIn("--force", args)
        self.assertIn("--quiet", args)
        sets = [args[i + 1] for i, a in enumerate(args) if a == "--set"]
        self.assertEqual(sets, ["agents=500", "discount_rate_annual=0.07"])
        cx.run_experiment("sweep", "telecom_sweep", out, resume=True)     # a bundled name
        self.assertIn("--resume", self.args())
        self.assertNotIn("--force", self.args())
        with self.assertRaises(FileNotFoundError):
            cx.run_experiment("sweep", self.tmp / "missing.yaml", out)

    def test_text_and_dicts_are_written_beside_the_results_file(self):
        import yaml
        out = self.tmp / "work" / "study.h5"
        text = "scenario: telecom\nsensitivity: {method: tornado, factors: scenario}\n"
        cx.run_experiment("sensitivity", text, out)
        written = self.tmp / "work" / "study.experiment.yaml"
        self.assertEqual(self.args()[1], str(written))
        data = yaml.safe_load(written.read_text())
        self.assertEqual(Path(data["scenario"]), cx.scenario_path("telecom").resolve())
        # A dict, relative to base_dir; the loaded file changed before running.
        design = cx.load_experiment("telecom_sobol")
        design["sensitivity"]["base_samples"] = 8
        cx.run_experiment("sensitivity", design, out)
        self.assertEqual(yaml.safe_load(written.read_text())["sensitivity"]["base_samples"], 8)
        self.assertEqual(cx.load_experiment("telecom_sobol")["sensitivity"]["base_samples"], 128)
        (self.tmp / "s").mkdir()
        (self.tmp / "s" / "mine.yaml").write_text("name: x\n")
        cx.run_experiment("sweep", {"scenario": "s/mine.yaml", "sweep": {}}, out, base_dir=self.tmp)
        self.assertEqual(yaml.safe_load(written.read_text())["scenario"], str(self.tmp / "s" / "mine.yaml"))


@unittest.skipUnless(_cxsim_available(), "cxsim executable not built (set CXSIM or build build/cli/cxsim)")
class RealExperimentFileTest(unittest.TestCase):
    """A small sweep, Sobol study and tornado of the telecom scenario, shared by the tests below."""

    SETS = {"analysis.zero_defect_counterfactual": "false"}

    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="cxsim-exp-test-"))
        small = dict(agents=1000, replications=3, sets=cls.SETS)
        cls.sweep = cx.open_experiment(cx.run_experiment("sweep", {
            "scenario": str(cx.scenario_path("telecom")),
            "outputs": ["delta_npv", "npv"],
            "sweep": {"design": "grid", "factors": [
                {"path": "touchpoints.billing.failure_rate", "values": [0.3, 0.5, 0.7]}]},
        }, cls.dir / "sweep.h5", **small))
        cls.sobol = cx.open_experiment(cx.run_experiment("sensitivity", {
            "scenario": str(cx.scenario_path("telecom")),
            "sensitivity": {"method": "sobol", "base_samples": 8, "bootstrap": 50, "factors": [
                {"path": "churn.satisfaction", "range": [0.3, 0.6]},
                {"path": "touchpoints.billing.failure_rate", "range": [0.3, 0.7]}]},
        }, cls.dir / "sobol.h5", **small))
        cls.tornado = cx.open_experiment(cx.run_experiment("sensitivity", {
            "scenario": str(cx.scenario_path("telecom")),
            "sensitivity": {"method": "tornado", "factors": [
                {"path": "churn.satisfaction", "range": [0.3, 0.6]},
                {"path": "touchpoints.tech_support.failure_rate", "range": [0.2, 0.6]}]},
        }, cls.dir / "tornado.h5", **small))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_groups_and_attributes(self):
        sweep, sobol = self.sweep, self.sobol
        self.assertEqual((sweep.kind, sweep.method), ("sweep", "grid"))
        self.assertEqual((sobol.kind, sobol.method), ("sensitivity", "sobol"))
        for g in ("design", "summary", "statistics", "timeseries_mean", "base_summary", "paired_difference"):
            self.assertIn(g, sweep.groups)
        self.assertNotIn("base_summary", sobol.groups)
        self.assertEqual(sweep.factors, ["touchpoints.billing.failure_rate"])
        np.testing.assert_array_equal(sweep.values.values[:, 0], [0.3, 0.5, 0.7])
        self.assertEqual(sweep.outputs, ["delta_npv", "npv"])
        self.assertEqual(sweep.baseline, "baseline")
        self.assertIn("phased", sweep.alternatives)
        self.assertEqual(sweep.currency, "USD")
        self.assertEqual(sweep.summary.delta_npv.dims, ("point", "roadmap", "replication"))
        self.assertEqual(sweep.summary.sizes["replication"], 3)
        self.assertEqual(sobol.values.sizes["point"], 8 * (2 + 2))
        self.assertEqual(set(sobol.sensitivity["delta_npv"].data_vars),
                         {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"})
        self.assertTrue(sweep.experiment_text)
        np.testing.assert_allclose(sobol.point_mean("npv").values,
                                   sobol.statistics.npv.sel(statistic="mean").values, rtol=1e-12)

    def test_paired_differences_are_the_files_and_zero_at_the_base_value(self):
        sweep = self.sweep
        for metric in ("delta_npv", "npv"):
            d = cx.paired_differences(sweep, metric)
            ours = cx.mean_interval_over(d)
            file = cx.mean_interval(sweep.paired_difference[metric])
            for name in ("mean", "low", "high", "n"):
                np.testing.assert_allclose(ours[name].values, file[name].values, rtol=1e-9, atol=1e-3)
        # The scenario's own billing failure rate is 0.5: that point is the base scenario, exactly.
        at_base = cx.paired_differences(sweep, "npv").sel(point=1)
        np.testing.assert_array_equal(at_base.values, 0.0)
        # And a point is the run with that value set (common random numbers).
        run = cx.open_results(cx.run("telecom", self.dir / "run_0.7.h5", agents=1000, replications=3,
                                     sets={**self.SETS, "touchpoints.billing.failure_rate": 0.7}))
        np.testing.assert_array_equal(run.summary.npv.values, sweep.summary.npv.sel(point=2).values)
        with self.assertRaises(ValueError):
            cx.paired_differences(self.sobol, "npv")

    def test_sobol_indices_reproduce_the_file(self):
        sobol = self.sobol
        for output in ("delta_npv",):
            mine = cx.sobol_indices(sobol.point_mean(output), sobol.factors, bootstrap=50)
            file = sobol.sensitivity[output]
            for index in ("S1", "ST"):
                np.testing.assert_allclose(mine[index].values, file[index].values, rtol=0, atol=1e-12)
            # NaN for the baseline's delta_npv (it does not vary), as in the file.
            self.assertTrue(bool(mine.S1.sel(roadmap="baseline").isnull().all()))
            self.assertTrue(bool(file.S1.sel(roadmap="baseline").isnull().all()))
            self.assertEqual(mine.S1_low.dims, file.S1_low.dims)

    def test_tornado_and_charts(self):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        t = self.tornado.sensitivity["delta_npv"]
        self.assertEqual(self.tornado.method, "tornado")
        self.assertEqual(set(t.data_vars), {"low", "high", "base"})
        self.assertEqual(self.tornado.values.sizes["point"], 1 + 2 * 2)
        # The levels of a range [lo, hi] are lo + 0.05 (hi - lo), lo + 0.95 (hi - lo), the midpoint.
        np.testing.assert_allclose(self.tornado.values.values.min(axis=0), [0.315, 0.22])
        np.testing.assert_allclose(self.tornado.values.values.max(axis=0), [0.585, 0.58])
        fig, axes = plt.subplots(1, 2)
        cx.plot_tornado(axes[0], t.sel(roadmap="phased"), "USD", title="phased", what="mean delta_npv")
        cx.plot_sobol_indices(axes[1], self.sobol.sensitivity["delta_npv"].sel(roadmap="phased"), title="phased")
        for ax in axes:
            self.assertTrue(ax.get_title())
            self.assertIsNotNone(ax.get_legend())
            self.assertEqual(len(ax.get_yticklabels()), 2)
        self.assertIn("USD", axes[0].get_xlabel())
        plt.close(fig)

    def test_errors_carry_cxsims_message(self):
        with self.assertRaises(RuntimeError) as ctx:
            cx.run_experiment("sweep", {"scenario": str(cx.scenario_path("telecom")),
                                        "sweep": {"design": "grid", "factors": [
                                            {"path": "touchpoints.billing.failure_rat", "values": [0.3]}]}},
                              self.dir / "bad.h5", agents=500, replications=1)
        self.assertIn("failure_rat", str(ctx.exception))
        with self.assertRaises(RuntimeError):      # a sensitivity file given to sweep
            cx.run_experiment("sweep", cx.experiment_path("telecom_tornado"), self.dir / "bad2.h5",
                              agents=500, replications=1)


class RoadmapCapexTest(unittest.TestCase):
    """Capex as the optimiser's constraints count it, on a scenario written here."""

    SCENARIO = {
        "horizon_months": 24,
        "initiatives": [
            {"name": "a", "start_month": 10, "capex": {"total": 1.2e6, "months": 6}},
            {"name": "b", "start_month": 1, "capex": 5.0e5},
            {"name": "c", "start_month": 22, "capex": {"total": {"uniform": [2e5, 4e5]}, "months": 6}},
        ],
        "roadmaps": [{"name": "baseline"},
                     {"name": "r", "initiatives": ["a", {"use": "b", "start_month": 13}, "c"]}],
    }

    def test_spread_overrides_distributions_and_the_horizon(self):
        capex = cx.roadmap_capex(self.SCENARIO, "r")
        # a: 200k in each of months 10-15 (3 in year one, 3 in year two); b: 500k in month 13;
        # c: a mean of 300k over 6 months from month 22, so only months 22-24 (150k) fall in.
        self.assertAlmostEqual(capex["per_year"][0], 6.0e5)
        self.assertAlmostEqual(capex["per_year"][1], 6.0e5 + 5.0e5 + 1.5e5)
        self.assertAlmostEqual(capex["total"], 1.2e6 + 5.0e5 + 1.5e5)
        self.assertEqual(cx.roadmap_capex(self.SCENARIO, "baseline")["total"], 0.0)

    def test_unknown_roadmap_and_unsupported_value(self):
        with self.assertRaises(KeyError):
            cx.roadmap_capex(self.SCENARIO, "nope")
        odd = dict(self.SCENARIO, initiatives=[{"name": "a", "capex": {"weibull": [1, 2]}}],
                   roadmaps=[{"name": "r", "initiatives": ["a"]}])
        with self.assertRaises(ValueError):
            cx.roadmap_capex(odd, "r")

    def test_plan_label(self):
        self.assertEqual(cx.plan_label({"initiatives": []}), "no initiative")
        self.assertEqual(cx.plan_label({"initiatives": [{"use": "a", "start_month": 1},
                                                        {"use": "b", "start_month": 13}]}), "a@1 + b@13")


class RealPlanFilesTest(unittest.TestCase):
    """An optimize file of the knapsack problem (its answer known in closed form) and an attribution
    of the chosen plan, read by open_optimize and open_attribution."""

    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="cxsim-plan-test-"))
        study = cx.load_experiment("knapsack_optimize")
        study["optimize"]["constraints"]["capex_total"] = [4.0e6, 1.0e7]
        cls.opt = cx.open_optimize(cx.run_experiment("optimize", study, cls.dir / "opt.h5"))
        knapsack = cx.experiment_path("knapsack_optimize").parent / "knapsack.yaml"
        cls.with_best = cx.scenario_with_roadmap(knapsack, cls.opt["best"], cls.dir / "best.yaml")
        cls.attr = cx.open_attribution(cx.run_experiment("attribute", {
            "scenario": str(cls.with_best), "replications": 4,
            "attribute": {"roadmap": cls.opt["best"]["name"], "metric": "delta_npv", "method": "exact"}},
            cls.dir / "attr.h5"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_the_known_best_and_its_guarantee(self):
        # knapsack_optimize.yaml's header: b_raise@1 + c_raise@1 is the best within 10M.
        self.assertEqual(cx.plan_label(self.opt["best"]), "b_raise@1 + c_raise@1")
        self.assertEqual(self.opt["kind"], "guaranteed")
        self.assertGreaterEqual(self.opt["p_correct"], 0.95)
        self.assertEqual(self.opt["candidates"][0]["plan"]["initiatives"], [])
        self.assertEqual(sum(c["n"] for c in self.opt["candidates"]), self.opt["replications"])
        self.assertGreater(self.opt["equal_allocation"], self.opt["replications"])

    def test_frontier_is_one_row_per_budget_and_ends_at_the_best(self):
        frontier = self.opt["frontier"]
        self.assertEqual([r["budget"] for r in frontier], [4.0e6, 1.0e7])
        self.assertEqual(frontier[-1]["best"], self.opt["best"])
        self.assertLessEqual(frontier[0]["mean"], frontier[1]["mean"] + 4 * frontier[1]["se"])

    def test_shares_add_up_and_name_the_plans_initiatives(self):
        self.assertEqual(list(self.attr["shapley"].initiative.values), ["b_raise", "c_raise"])
        np.testing.assert_allclose(self.attr["shapley"].sum("initiative").values,
                                   self.attr["total"].values, rtol=1e-9)
        # Values add on this problem, so each share is the initiative's value alone.
        for name in ("b_raise", "c_raise"):
            np.testing.assert_allclose(self.attr["shapley"].sel(initiative=name).values,
                                       self.attr["value"].sel(coalition=f"[{name}]").values,
                                       rtol=1e-9)

    def test_the_pasted_plan_runs_as_a_roadmap(self):
        res = cx.open_results(cx.run(self.with_best, self.dir / "run.h5", replications=2))
        self.assertIn(self.opt["best"]["name"], res.roadmaps)
        capex = cx.roadmap_capex(res.scenario, self.opt["best"]["name"])
        # The same count as the optimiser's own (/optimize/capex_total of the chosen plan).
        chosen = self.opt["candidates"][self.opt["best_candidate"]]
        self.assertAlmostEqual(capex["total"], chosen["capex_total"], delta=1e-6 * chosen["capex_total"])
        self.assertLessEqual(capex["total"], 1.0e7)

    def test_wrong_kind_of_file(self):
        with self.assertRaises(ValueError):
            cx.open_optimize(self.attr["path"])
        with self.assertRaises(ValueError):
            cx.open_attribution(self.opt["path"])


class WeightedQuantileTest(unittest.TestCase):
    def test_equal_weights_and_point_masses(self):
        x = [3.0, 1.0, 2.0, 4.0]
        # Equal weights: the midpoint rule, so the median of 1..4 is 2.5.
        self.assertAlmostEqual(float(cx.weighted_quantile(x, [1, 1, 1, 1], 0.5)), 2.5)
        # Nearly all the weight on one value: the median is that value; other quantiles
        # interpolate towards the neighbours (the midpoint rule of cxsim summary's intervals).
        q = cx.weighted_quantile(x, [1e-9, 1e-9, 1.0, 1e-9], [0.1, 0.5, 0.9])
        self.assertAlmostEqual(float(q[1]), 2.0, places=6)
        np.testing.assert_allclose(q, [1.2, 2.0, 2.8], atol=1e-6)


class RealCalibrationFileTest(unittest.TestCase):
    """A small calibration of the bundled synthetic history, read by open_calibration."""

    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="cxsim-cal-test-"))
        study = cx.load_experiment(cx.repo_root() / "scenarios" / "calibration" / "telecom_churn.yaml")
        study["calibrate"]["observed"] = str(cx.repo_root() / "scenarios" / "calibration"
                                             / study["calibrate"]["observed"])
        study["calibrate"].update(particles=40, max_simulations=200)
        study["set"] = {"agents": 1000}
        cls.cal = cx.open_calibration(cx.run_experiment("calibrate", study, cls.dir / "cal.h5"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_posterior_trace_and_check_have_their_shapes(self):
        cal = self.cal
        self.assertEqual(cal["parameters"], ["segments.consumer.baseline_churn_monthly", "churn.satisfaction"])
        self.assertEqual(cal["particles"].shape, (40, 2))
        self.assertAlmostEqual(float(cal["weights"].sum()), 1.0, places=12)
        self.assertEqual(sorted(cal["predictive"]), sorted(cal["observed"]))
        for s, pred in cal["predictive"].items():
            self.assertEqual(list(pred.statistic.values[:3]), ["p05", "p50", "p95"])
            self.assertTrue(bool((pred.sel(statistic="p05") <= pred.sel(statistic="p95")).all()), s)
        self.assertTrue(np.isinf(cal["trace"]["epsilon"].values[0]))   # generation 0: the prior
        self.assertTrue(cal["overlay"].exists())

    def test_posterior_table_lies_within_the_priors(self):
        table = cx.posterior_table(self.cal)
        for name, row in table.iterrows():
            prior = self.cal["prior"].sel(parameter=name)
            self.assertGreaterEqual(row["posterior 5%"], float(prior.sel(bound="lo")) - 1e-12)
            self.assertLessEqual(row["posterior 95%"], float(prior.sel(bound="hi")) + 1e-12)
            self.assertLessEqual(row["posterior 5%"], row["posterior mean"])
            self.assertLessEqual(row["posterior mean"], row["posterior 95%"])
            self.assertGreater(row["width ratio"], 0)

    def test_wrong_kind_of_file(self):
        with self.assertRaises(ValueError):
            cx.open_optimize(self.cal["path"])
        with self.assertRaises(ValueError):
            cx.open_attribution(self.cal["path"])


if __name__ == "__main__":
    unittest.main()
