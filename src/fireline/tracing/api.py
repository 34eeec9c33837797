"""JSON routes of interviews, exposures, contacts, transmission links and clusters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fireline.auth.deps import ApiActor
from fireline.bounds import INT64_MAX, Id, Int64
from fireline.db.deps import DbSession
from fireline.pagination import Page, make_page
from fireline.tracing import clusters, contacts, exposures, interviews, links
from fireline.tracing.chainstats import read_chain_stats
from fireline.tracing.schemas import (
    Certainty,
    ChainStats,
    ClusterRead,
    ContactCreate,
    ContactRead,
    ExposureCreate,
    ExposureKind,
    ExposureRead,
    GraphRead,
    InterviewRead,
    InterviewUpdate,
    LinkCreate,
    LinkRead,
    Setting,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["tracing"])


@router.get("/cases/{case_id:int}/interview", response_model=InterviewRead)
def read_interview(case_id: Id, actor: ApiActor, session: DbSession) -> InterviewRead:
    """The case's interview (opened on first read by someone who may write)."""
    return InterviewRead.model_validate(interviews.interview_for(session, actor, case_id)[1])


@router.patch("/cases/{case_id:int}/interview", response_model=InterviewRead)
def update_interview(
    case_id: Id, body: InterviewUpdate, context: ApiContext, session: DbSession
) -> InterviewRead:
    """Autosave: a stale ``version`` gets 409 and nothing is written."""
    found = interviews.update_interview(session, context, case_id, body)
    return InterviewRead.model_validate(found)


@router.get("/cases/{case_id:int}/exposures", response_model=Page[ExposureRead])
def read_exposures(
    case_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    kind: ExposureKind | None = None,
) -> Page[ExposureRead]:
    """The case's exposures, in the order they happened (``sort``: starts, ends, kind)."""
    found, total = exposures.list_exposures(session, actor, case_id, query)
    return make_page([ExposureRead.model_validate(e) for e in found], total, query)


@router.post("/cases/{case_id:int}/exposures", response_model=ExposureRead, status_code=201)
def add_exposure(
    case_id: Id, body: ExposureCreate, context: ApiContext, session: DbSession
) -> ExposureRead:
    """One exposure row: a venue of the register (``venue_id``) or an ``address``, when
    (``starts_at``, ``ends_at``), how (``exposure_type``) and where (``setting``)."""
    return ExposureRead.model_validate(exposures.add_exposure(session, context, case_id, body))


@router.delete("/cases/{case_id:int}/exposures/{exposure_id:int}", status_code=204)
def remove_exposure(case_id: Id, exposure_id: Id, actor: ApiActor, session: DbSession) -> None:
    """Remove one exposure row of the case."""
    exposures.remove_exposure(session, actor, case_id, exposure_id)


@router.get("/cases/{case_id:int}/contacts", response_model=Page[ContactRead])
def read_contacts(
    case_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    category: str | None = None,
    setting: Setting | None = None,
) -> Page[ContactRead]:
    """Contacts, then contacts of contacts, with their proposed quarantine orders
    (``q`` searches names; ``sort``: listed, name, category, last_exposure)."""
    found, total = contacts.contacts_of(session, actor, case_id, query)
    return make_page(found, total, query)


@router.post("/cases/{case_id:int}/contacts", response_model=ContactRead, status_code=201)
def list_contact(
    case_id: Id, body: ContactCreate, context: ApiContext, session: DbSession
) -> ContactRead:
    """List a contact: the person is matched or created, a quarantine order is proposed
    (its dates from the deployment's profile of the case's disease)."""
    return contacts.list_contact(session, context, case_id, body)


@router.get("/cases/{case_id:int}/links", response_model=Page[LinkRead])
def read_links(
    case_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    certainty: Certainty | None = None,
    source: str | None = None,
) -> Page[LinkRead]:
    """The links in and out of the case, in the order they were recorded."""
    found, total = links.list_links(session, actor, case_id, query)
    return make_page([LinkRead.model_validate(x) for x in found], total, query)


@router.post("/tracing/links", response_model=LinkRead, status_code=201)
def add_link(body: LinkCreate, actor: ApiActor, session: DbSession) -> LinkRead:
    """Infector → infectee; a cycle or a second infector is refused."""
    return LinkRead.model_validate(links.add_link(session, actor, body))


@router.get("/tracing/clusters", response_model=Page[ClusterRead])
def read_clusters(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    disease: str | None = None,
    min_size: Annotated[int, Query(ge=1, le=INT64_MAX)] = 2,
) -> Page[ClusterRead]:
    """Clusters over infector links and shared venue exposures, largest first (``sort``:
    size, depth, first_onset, last_onset, cluster)."""
    chains = clusters.load_chains(session, actor, disease)
    found, total = clusters.list_clusters(chains, query, min_size)
    return make_page(found, total, query)


@router.get("/tracing/clusters/{cluster}/graph", response_model=GraphRead)
def read_graph(
    cluster: Int64, actor: ApiActor, session: DbSession, disease: str | None = None
) -> GraphRead:
    """Nodes (with server-side tree and timeline positions) and edges of one cluster."""
    return clusters.graph(clusters.load_chains(session, actor, disease), cluster)


@router.get("/tracing/offspring", response_model=ChainStats)
def read_offspring(actor: ApiActor, session: DbSession, disease: str | None = None) -> ChainStats:
    """Every chain in scope: the offspring distribution, R from chains, the dispersion k
    with its 95 % interval and the super-spreaders (Lloyd-Smith et al. 2005)."""
    return read_chain_stats(session, actor, clusters.load_chains(session, actor, disease))


@router.get("/tracing/clusters/{cluster}/offspring", response_model=ChainStats)
def read_cluster_offspring(
    cluster: Int64, actor: ApiActor, session: DbSession, disease: str | None = None
) -> ChainStats:
    """The same figures for one cluster (the numbers of ``/tracing/clusters``)."""
    chains = clusters.load_chains(session, actor, disease)
    return read_chain_stats(session, actor, chains, cluster)
