"""What the sweep figure scripts share: the mean over seeds with a min/max band, drawn from
the finished points only, and the unfinished points marked where they stopped."""
import reluflow_runs


def band(axes, table, x, column, colour, label, marker="o", of_runs=True):
    """Mean of `column` over the rows sharing `x`, with a min/max band. For a value the run
    measures (`of_runs`), from the finished rows only, each unfinished row (failed,
    interrupted, not run) a red cross at its value where it has one; for a value fixed before
    the run (a prediction, the optimum), from every row that has it. Returns the statistics
    (index x; mean, min, max, count)."""
    finished = table["status"].isin(reluflow_runs.FINISHED_STATUSES)
    used = table[finished] if of_runs else table.dropna(subset=[column])
    stats = used.groupby(x)[column].agg(["mean", "min", "max", "count"])
    axes.plot(stats.index, stats["mean"], marker + "-", color=colour, label=label)
    axes.fill_between(stats.index, stats["min"], stats["max"], color=colour, alpha=0.25)
    unfinished = table[~finished].dropna(subset=[column])
    if of_runs and not unfinished.empty:
        axes.plot(unfinished[x], unfinished[column], "x", color="red", markersize=9, mew=2,
                  label=f"unfinished ({len(unfinished)}: " + ", ".join(sorted(set(unfinished["status"]))) + ")")
    return stats


def unfinished_note(table):
    """A line naming the points that did not finish, or '' when all did."""
    rows = table[~table["status"].isin(reluflow_runs.FINISHED_STATUSES)]
    return "" if rows.empty else "not finished: " + ", ".join(f"{p} ({s})" for p, s in zip(rows["point"], rows["status"]))
