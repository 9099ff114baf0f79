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

    def test_sweep_and_run_errors(self):
        runs = cx.sweep("telecom", "touchpoints.billing.failure_rate", [0.2, 0.6], self.dir / "sweep",
                        replications=2, agents=1000,
                        sets={"analysis.zero_defect_counterfactual": "false"})
        self.assertEqual([v for v, _ in runs], [0.2, 0.6])
        lo, hi = (cx.open_results(p) for _, p in runs)
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


if __name__ == "__main__":
    unittest.main()
