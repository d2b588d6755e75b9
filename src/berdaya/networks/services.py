"""Writes of the networks app: ties, derived ties, stored network figures, simulations.

Every measure comes from berdaya.analysis; this module only builds its tables and stores
what it returns.
"""

from __future__ import annotations

import datetime
from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.analysis.network import (
    DEFAULT_KINDS,
    ChampionRanking,
    CriticalMass,
    InfluenceNetwork,
    LinearThreshold,
    NetworkMeasures,
    SeedStrategy,
)
from berdaya.analysis.network._seeds import degree_order
from berdaya.core.errors import ValidationFailed

from .models import CriticalMassRun, NetworkFigures, Tie

KINDS = {**DEFAULT_KINDS, "opinion": "directed"}
DRAWN_MAX = 1000  # nodes drawn on the page; a larger network is sampled
TOP_SHARE = 0.10  # "the most listened-to": the top tenth by people who listen to them
STRATEGIES = ("degree", "community", "poor", "cadres")
POOR = {"poor", "very poor", "extreme", "severe", "miskin", "sangat miskin"}


# -- ties ------------------------------------------------------------------------------------


@transaction.atomic
def tie_record(
    *, organisation, source_person, kind: str, on: datetime.date, target=None, target_name=""
) -> Tie:
    """A tie recorded by hand (or from a survey answer) between two people of a village."""
    if kind not in Tie.Kind.values:
        raise ValidationFailed(_("Choose the kind of tie."), field="kind")
    if source_person.organisation_id != organisation.pk or (
        target is not None and target.organisation_id != organisation.pk
    ):
        raise ValidationFailed(_("This person is not in your organisation's registry."))
    if target is None and not target_name.strip():
        raise ValidationFailed(_("Choose the person they are tied to."), field="target")
    if target is not None and target.pk == source_person.pk:
        raise ValidationFailed(_("A person cannot be tied to themselves."), field="target")
    tie = Tie.objects.create(
        organisation=organisation,
        village_id=source_person.household.village_id,
        source_person=source_person,
        target=target,
        target_name=target_name.strip() if target is None else "",
        kind=kind,
        source=Tie.Source.HAND,
        on=on,
    )
    network_changed(organisation_id=organisation.pk, village_code=tie.village_id)
    return tie


def _pair_weights(groups: dict[int, list[int]]) -> Counter:
    """How often two people were together (in an activity, a group): one per occasion."""
    pairs: Counter = Counter()
    for people in groups.values():
        for a, b in combinations(sorted(set(people)), 2):
            pairs[(a, b)] += 1
    return pairs


@transaction.atomic
def ties_derive(*, organisation, village_code: str, on: datetime.date | None = None) -> int:
    """Replace a village's derived ties (co-attendance, co-membership, household) from the
    facilitation, groups and registry records; hand and survey ties stay. Weighted by how
    often two people met. Returns the number of derived ties written."""
    from berdaya.facilitation.models import Attendance
    from berdaya.groups.models import GroupMember
    from berdaya.registry.models import Person

    on = on or timezone.localdate()
    derived = [Tie.Source.ATTENDANCE, Tie.Source.MEMBERSHIP, Tie.Source.HOUSEHOLD]
    Tie.objects.filter(
        organisation=organisation, village_id=village_code, source__in=derived
    ).delete()
    by_activity: dict[int, list[int]] = {}
    for activity, person in Attendance.objects.filter(
        activity__organisation=organisation, activity__village_id=village_code
    ).values_list("activity_id", "person_id"):
        by_activity.setdefault(activity, []).append(person)
    by_group: dict[int, list[int]] = {}
    for group, person in GroupMember.objects.filter(
        group__organisation=organisation, group__village_id=village_code
    ).values_list("group_id", "person_id"):
        by_group.setdefault(group, []).append(person)
    by_household: dict[int, list[int]] = {}
    for household, person in Person.objects.filter(
        organisation=organisation, household__village_id=village_code
    ).values_list("household_id", "id"):
        by_household.setdefault(household, []).append(person)
    rows = []
    for pairs, kind, source in (
        (_pair_weights(by_activity), Tie.Kind.MEETING, Tie.Source.ATTENDANCE),
        (_pair_weights(by_group), Tie.Kind.GROUP, Tie.Source.MEMBERSHIP),
        (_pair_weights(by_household), Tie.Kind.KINSHIP, Tie.Source.HOUSEHOLD),
    ):
        rows += [
            Tie(
                organisation=organisation,
                village_id=village_code,
                source_person_id=a,
                target_id=b,
                kind=kind,
                source=source,
                weight=float(count),
                on=on,
            )
            for (a, b), count in pairs.items()
        ]
    # Derived in bulk (the audit trail does not see bulk writes): they are rebuilt from
    # records whose own changes are audited.
    Tie.objects.bulk_create(rows, batch_size=2000)
    network_changed(organisation_id=organisation.pk, village_code=village_code)
    return len(rows)


def network_changed(*, organisation_id: int, village_code: str) -> None:
    """Mark a village's network figures stale and compute them again after the commit."""
    from .tasks import network_figures_task

    row, _created = NetworkFigures.objects.get_or_create(
        organisation_id=organisation_id, village_id=village_code
    )
    NetworkFigures.objects.filter(pk=row.pk).update(stale=True)
    transaction.on_commit(lambda: network_figures_task.enqueue(organisation_id, village_code))


# -- the tables berdaya.analysis reads ---------------------------------------------------------


def tie_table(*, organisation_id: int, village_code: str) -> pd.DataFrame:
    """The village's ties matched to the registry: source, target, kind, weight."""
    rows = Tie.objects.filter(
        organisation_id=organisation_id, village_id=village_code, target__isnull=False
    ).values_list("source_person_id", "target_id", "kind", "weight")
    return pd.DataFrame(list(rows), columns=["source", "target", "kind", "weight"]).astype(
        {"source": str, "target": str}
    )


def node_table(*, organisation_id: int, village_code: str) -> pd.DataFrame:
    """Everyone living in the village (so the isolated are counted), with sex and poverty."""
    from berdaya.programmes.models import Cadre
    from berdaya.registry.models import Person

    cadres = set(
        Cadre.objects.filter(
            organisation_id=organisation_id,
            person__household__village_id=village_code,
            until__isnull=True,
        ).values_list("person_id", flat=True)
    )
    rows = [
        (str(pk), name, sex, status or "unknown", pk in cadres)
        for pk, name, sex, status in Person.objects.filter(
            organisation_id=organisation_id,
            household__village_id=village_code,
            status=Person.Status.PRESENT,
        )
        .order_by("pk")
        .values_list("pk", "name", "sex", "household__figures__poverty_status")
    ]
    return pd.DataFrame(rows, columns=["id", "name", "sex", "poverty_status", "cadre"])


def network_build(*, organisation_id: int, village_code: str) -> InfluenceNetwork | None:
    nodes = node_table(organisation_id=organisation_id, village_code=village_code)
    if nodes.empty:
        return None
    edges = tie_table(organisation_id=organisation_id, village_code=village_code)
    known = set(nodes["id"])
    edges = edges[edges["source"].isin(known) & edges["target"].isin(known)]
    return InfluenceNetwork(kinds=KINDS).fit(edges, nodes)


def _layout(network: InfluenceNetwork, measures: pd.DataFrame) -> dict:
    """Positions for the small drawing (0-100 box); beyond DRAWN_MAX the most tied people."""
    n = network.n_nodes
    keep = np.arange(n)
    if n > DRAWN_MAX:
        keep = np.sort(np.argsort(-measures["degree"].to_numpy(), kind="stable")[:DRAWN_MAX])
    graph = network.graph_.induced_subgraph(keep.tolist())
    coords = np.asarray(graph.layout_fruchterman_reingold(seed=None, niter=200).coords)
    if len(coords):
        low, high = coords.min(axis=0), coords.max(axis=0)
        coords = 4 + 92 * (coords - low) / np.where(high - low > 0, high - low, 1)
    nodes = [
        {
            "x": round(float(x), 2),
            "y": round(float(y), 2),
            "champion": bool(measures["rank"].iloc[i] <= 10),
            "isolated": int(measures["degree"].iloc[i]) == 0,
        }
        for i, (x, y) in zip(keep.tolist(), coords.tolist(), strict=True)
    ]
    # Lines as coordinates, so the template draws them without look-ups.
    edges = [
        [nodes[a]["x"], nodes[a]["y"], nodes[b]["x"], nodes[b]["y"]]
        for a, b in (edge.tuple for edge in graph.es)
    ][: DRAWN_MAX * 4]
    return {"nodes": nodes, "edges": edges, "sampled": n > DRAWN_MAX, "total": n}


def network_compute(*, organisation_id: int, village_code: str, progress=None) -> dict:
    """The village page's figures, every measure from berdaya.analysis."""
    network = network_build(organisation_id=organisation_id, village_code=village_code)
    if network is None:
        return {"people": 0, "ties": 0}
    measures = NetworkMeasures(seed=0, progress=progress).compute(network)
    ranked = ChampionRanking().rank(measures)
    by_node = ranked.set_index("node")
    ordered = by_node.loc[network.nodes_["node"]].reset_index()
    listened = measures.sort_values(["in_degree", "strength"], ascending=False, kind="stable")
    listened = listened[listened["in_degree"] > 0].head(max(1, round(TOP_SHARE * len(measures))))

    def share(frame, test) -> float | None:
        return None if frame.empty else round(float(test(frame).mean()), 4)

    def person(row) -> dict:
        return {
            "id": int(row["node"]),
            "name": row["name"],
            "sex": row["sex"],
            "poor": str(row["poverty_status"]).lower() in POOR,
            "cadre": bool(row["cadre"]),
            "degree": int(row["degree"]),
            "in_degree": int(row["in_degree"]),
        }

    champions = [
        {
            **person(row),
            "rank": int(row["rank"]),
            "score": float(row["score"]),
            "reason_id": row["reason_id"],
            "reason_en": row["reason_en"],
        }
        for _, row in ranked.head(20).iterrows()
    ]
    brokers = [person(row) for _, row in measures[measures["broker"]].head(20).iterrows()]
    isolated = measures[measures["degree"] == 0]
    return {
        "people": int(network.n_nodes),
        "ties": len(network.edges_),
        "champions": champions,
        "brokers": brokers,
        "isolated_count": len(isolated),
        "isolated": [person(row) for _, row in isolated.head(30).iterrows()],
        "isolated_poor_share": share(
            isolated, lambda f: f["poverty_status"].str.lower().isin(POOR)
        ),
        "listened_count": len(listened),
        "listened_women_share": share(listened, lambda f: f["sex"] == "P"),
        "listened_poor_share": share(
            listened, lambda f: f["poverty_status"].str.lower().isin(POOR)
        ),
        "women_share": share(measures, lambda f: f["sex"] == "P"),
        "poor_share": share(measures, lambda f: f["poverty_status"].str.lower().isin(POOR)),
        "communities": int(measures["community"].max() + 1) if len(measures) else 0,
        "drawing": _layout(network, ordered),
    }


def network_refresh(*, organisation_id: int, village_code: str) -> NetworkFigures:
    """Compute one village's network figures and store them with when they were computed."""
    started = timezone.now()
    figures = network_compute(organisation_id=organisation_id, village_code=village_code)
    row, _created = NetworkFigures.objects.update_or_create(
        organisation_id=organisation_id,
        village_id=village_code,
        defaults={"figures": figures, "computed_at": started, "stale": False},
    )
    return row


# -- critical mass ---------------------------------------------------------------------------


class _FirstStrategy(SeedStrategy):
    """Degree order with some people first (the poor, or today's cadres): the analysis
    library's degree order, reordered stably, so the seed sets stay nested."""

    def __init__(self, first: np.ndarray) -> None:
        super().__init__("degree")
        self.first = first

    def order(self, network, count, model=None):
        base = degree_order(network)
        return base[np.argsort(~self.first[base], kind="stable")][:count]


def _strategy(name: str, network: InfluenceNetwork):
    nodes = network.nodes_
    if name == "poor":
        return _FirstStrategy(nodes["poverty_status"].str.lower().isin(POOR).to_numpy())
    if name == "cadres":
        return _FirstStrategy(nodes["cadre"].to_numpy(dtype=bool))
    return name


@transaction.atomic
def critical_mass_run_start(
    *, programme, village_code: str, strategy: str, target_percent: int, runs: int = 200
) -> CriticalMassRun:
    """Queue a simulation of how many people, seeded by `strategy`, tip the village."""
    from .tasks import critical_mass_task

    if strategy not in STRATEGIES:
        raise ValidationFailed(_("Choose how the first people are chosen."), field="strategy")
    if not 1 <= target_percent <= 100:
        raise ValidationFailed(_("A share is between 1 and 100 percent."), field="target")
    if not 10 <= runs <= 1000:
        raise ValidationFailed(_("Between 10 and 1,000 runs."), field="runs")
    run = CriticalMassRun.objects.create(
        programme=programme,
        village_id=village_code,
        parameters={
            "strategy": strategy,
            "target": target_percent / 100,
            "runs": runs,
            "threshold": [0.1, 0.5],
            "probability": 0.5,
            "confidence": 0.95,
            "seed": 0,
        },
    )
    transaction.on_commit(lambda: critical_mass_task.enqueue(run.pk))
    return run


def critical_mass_simulate(*, run: CriticalMassRun) -> CriticalMassRun:
    """Run a queued simulation (the background job), saying how far it got."""

    def say(message: str) -> None:
        CriticalMassRun.objects.filter(pk=run.pk).update(progress=message[:200])

    CriticalMassRun.objects.filter(pk=run.pk).update(status=CriticalMassRun.Status.RUNNING)
    p = run.parameters
    network = network_build(
        organisation_id=run.programme.organisation_id, village_code=run.village_id
    )
    if network is None or network.n_nodes < 2:
        run.status, run.message = CriticalMassRun.Status.FAILED, _("No network to simulate yet.")
    else:
        model = LinearThreshold(
            threshold=tuple(p["threshold"]), runs=p["runs"], seed=p["seed"], progress=say
        )
        result = CriticalMass(
            model,
            seeds=_strategy(p["strategy"], network),
            target=p["target"],
            probability=p["probability"],
            confidence=p["confidence"],
            progress=say,
        ).find(network)
        cadres = int(network.nodes_["cadre"].sum())
        run.result = {
            "people": int(network.n_nodes),
            "cadres": cadres,
            "seed_count": result.seed_count,
            "seed_share": float(result.seed_share),
            "count_low": result.count_low,
            "share_low": float(result.share_low),
            "count_high": result.count_high,
            "share_high": float(result.share_high),
            "more": None if result.seed_count is None else max(0, result.seed_count - cadres),
        }
        run.status = CriticalMassRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "status", "message", "finished_at"])
    return run


@transaction.atomic
def champion_make_cadre(*, organisation, person, since: datetime.date, why: str):
    """Mark a likely champion as a cadre (the programmes' cadre service) and recompute the
    village's network figures, which show who is a cadre."""
    from berdaya.programmes.services import cadre_mark

    cadre = cadre_mark(organisation=organisation, person=person, since=since, why=why)
    network_changed(organisation_id=organisation.pk, village_code=person.household.village_id)
    return cadre
