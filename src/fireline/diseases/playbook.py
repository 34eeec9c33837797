"""The response playbook of a disease: tasks, deadlines, dependencies and the opening policy."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import Field, model_validator

from fireline.diseases.base import Code, Model, Names, SourceRef, rule_error

__all__ = [
    "TASK_TYPES",
    "TRIGGERS",
    "OpenAfterCleanDays",
    "OpenOnEveryConfirmedCase",
    "OpenOnSignalsOnly",
    "Playbook",
    "PlaybookTask",
    "ResponseOpening",
    "TaskType",
    "Trigger",
]

TaskType = Literal[
    "interview_case",
    "list_contacts",
    "quarantine_contacts",
    "sample_contacts",
    "disinfect_venues",
    "draw_zones",
    "start_screening",
    "notify_authority",
    "isolate_case",
]
"""The fixed vocabulary of task types the response package knows how to run."""

Trigger = Literal["case_confirmed", "alert", "cluster"]

TASK_TYPES: tuple[str, ...] = get_args(TaskType)
TRIGGERS: tuple[str, ...] = get_args(Trigger)


class PlaybookTask(Model):
    """A task opened by a trigger, due ``due_hours`` after the trigger, owned at ``level``."""

    id: Code
    type: TaskType
    names: Names
    trigger: Trigger
    due_hours: float = Field(ge=0)
    depends_on: tuple[Code, ...] = ()
    level: Code

    @model_validator(mode="before")
    @classmethod
    def _check_type_and_deadline(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        task = data.get("id", "?")
        kind = data.get("type")
        if kind is not None and kind not in TASK_TYPES:
            raise rule_error(f"playbook task '{task}' has unknown type '{kind}'", "type")
        due = data.get("due_hours")
        if isinstance(due, int | float) and not isinstance(due, bool) and due < 0:
            message = f"playbook task '{task}' has a negative deadline ({due} h)"
            raise rule_error(message, "due_hours")
        return data


class OpenOnEveryConfirmedCase(Model):
    """Every confirmed case opens its own response."""

    policy: Literal["every_confirmed_case"]


class OpenAfterCleanDays(Model):
    """A confirmed case opens a response only after ``clean_days`` without a confirmed case
    in the jurisdiction; later cases join the open response."""

    policy: Literal["first_after_clean_days"]
    clean_days: int = Field(ge=1)


class OpenOnSignalsOnly(Model):
    """Single cases never open a response; only alerts and clusters do."""

    policy: Literal["signals_only"]


ResponseOpening = Annotated[
    OpenOnEveryConfirmedCase | OpenAfterCleanDays | OpenOnSignalsOnly,
    Field(discriminator="policy"),
]


class Playbook(Model):
    """The tasks of a response and when a response opens."""

    opening: ResponseOpening
    tasks: tuple[PlaybookTask, ...] = Field(min_length=1)
    source: SourceRef

    @model_validator(mode="after")
    def _check_graph(self) -> Playbook:
        seen: dict[str, int] = {}
        for i, task in enumerate(self.tasks):
            if task.id in seen:
                raise rule_error(f"playbook task id '{task.id}' is used twice", f"tasks.{i}.id")
            seen[task.id] = i
        for i, task in enumerate(self.tasks):
            for j, dep in enumerate(task.depends_on):
                if dep not in seen:
                    raise rule_error(
                        f"playbook task '{task.id}' depends on unknown task '{dep}'",
                        f"tasks.{i}.depends_on.{j}",
                    )
        cycle = _find_cycle({t.id: t.depends_on for t in self.tasks})
        if cycle:
            first = seen[cycle[0]]
            where = f"tasks.{first}.depends_on.{self.tasks[first].depends_on.index(cycle[1])}"
            raise rule_error("playbook tasks form a dependency cycle: " + " -> ".join(cycle), where)
        return self

    def task(self, task_id: str) -> PlaybookTask:
        """The task with this id; LookupError when there is none."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise LookupError(f"no playbook task '{task_id}'")

    def tasks_for(self, trigger: str) -> tuple[PlaybookTask, ...]:
        """The tasks a trigger opens, in dependency order (a task after those it needs)."""
        return tuple(t for t in self.ordered() if t.trigger == trigger)

    def ordered(self) -> tuple[PlaybookTask, ...]:
        """All tasks in a dependency order, stable with respect to the file order."""
        done: set[str] = set()
        out: list[PlaybookTask] = []
        pending = list(self.tasks)
        while pending:
            task = next(t for t in pending if set(t.depends_on) <= done)
            out.append(task)
            done.add(task.id)
            pending.remove(task)
        return tuple(out)


def _find_cycle(graph: dict[str, tuple[str, ...]]) -> list[str]:
    """A cycle in the dependency graph as ``[a, b, ..., a]``, or [] when there is none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for dep in graph.get(node, ()):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return []
