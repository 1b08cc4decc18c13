"""The results tabs: the steps as they happen (`ResultsTabs.add_steps`, live), the chart, the alerts, the audit log of the run and
what the victim saw, filled from a `ScenarioResult` (`ResultsTabs.show_result`)."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QListWidget, QListWidgetItem, QSizePolicy,
                               QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QTextBrowser, QVBoxLayout,
                               QWidget)

from shared.attacks.base import Actor, TimelinePoint
from trainer_app.chart import TrainerChart, format_elapsed
from shared.clock import jst_text
from shared.money import format_yen
from trainer_app.policy_clock_bar import jst_short
from trainer_app.texts import policy_label
from ui_common import theme
from ui_common.app import language

log = logging.getLogger(__name__)

MAX_STEPS_SHOWN = 3000      # the list keeps the newest; the report has them all


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setWordWrap(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setMinimumHeight(40)   # at 1366×768 the tabs get what the outcome lines leave
    return t


def _titled_table(title: str, headers: list[str]) -> tuple[QWidget, QLabel, QTableWidget]:
    """A bold title over a table whose first column takes the width (the victim tab's two panes)."""
    pane = QWidget()
    lay = QVBoxLayout(pane)
    lay.setContentsMargins(0, 6, 0, 0)
    label = QLabel(title)
    label.setStyleSheet("font-weight: 700;")
    lay.addWidget(label)
    table = _table(headers)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    lay.addWidget(table)
    return pane, label, table


def _fill(table: QTableWidget, rows: list[list[str]], *, colours: list[str | None] | None = None) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if colours and colours[r]:
                item.setForeground(QColor(colours[r]))
            if c and text[:1] in "¥-−+" and any(ch.isdigit() for ch in text):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _details_text(details: dict[str, Any], sep: str = ", ") -> str:
    return sep.join(f"{k}={v}" for k, v in details.items())


class ResultsTabs(QTabWidget):
    """The tabs under the run panel: the steps as they happen, the chart, the alerts, the whole
    audit log of the run, and what the victim saw (balances and the mail that arrived)."""

    PARTS = ("steps_list", "chart", "alerts_table", "alerts_tab", "audit_table", "audit_summary",
             "balances_table", "balances_label", "mail_table", "mail_label", "mail_body")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._result = None
        self.setObjectName("trainerTabs")
        self.setStyleSheet("QTabBar::tab { min-height: 46px; padding: 0px 16px; }")
        # steps
        self.steps_list = QListWidget()
        self.steps_list.setWordWrap(True)
        self.steps_list.setUniformItemSizes(False)
        self.steps_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.addTab(self.steps_list, self.tr("Steps"))
        # chart
        self.chart = TrainerChart()
        self.chart.clear(self.tr("The chart of attempts, blocked and taken-over accounts fills in while "
                                 "credential stuffing runs."))
        self.addTab(self.chart, self.tr("Chart"))
        # alerts, then the whole audit log of the run: each gets the tab's full height
        cols = [self.tr("Time (JST)"), self.tr("Severity"), self.tr("Event"), self.tr("Customer"), self.tr("Details")]
        self.alerts_table = _table(cols)
        # Alerts are few and each matters: Details wraps in full (was cut with "…"); the other
        # columns keep their content's width and Details takes the rest.
        self.alerts_table.setWordWrap(True)
        self.alerts_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        alerts_header = self.alerts_table.horizontalHeader()
        alerts_header.setSectionResizeMode(len(cols) - 1, QHeaderView.ResizeMode.Stretch)
        self.alerts_table.setColumnHidden(1, True)   # every alert's severity is "alert": its width goes to Details
        self.alerts_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.alerts_tab = self.addTab(self.alerts_table, self.tr("Alerts"))
        audit = QWidget()
        al = QVBoxLayout(audit)
        al.setContentsMargins(0, 6, 0, 0)
        al.setSpacing(4)
        self.audit_summary = QLabel()
        self.audit_summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.audit_summary.setProperty("role", "muted")
        al.addWidget(self.audit_summary)
        self.audit_table = _table(cols)
        al.addWidget(self.audit_table, 1)
        audit.setMinimumHeight(110)
        self.addTab(audit, self.tr("Audit log"))
        # what the victim saw: balances | the messages that arrived, over the one picked
        victim = QSplitter(Qt.Orientation.Horizontal)
        victim.setChildrenCollapsible(False)
        bal, self.balances_label, self.balances_table = _titled_table(
            self.tr("Balances"), [self.tr("Customer"), self.tr("Before → after"), self.tr("Change")])
        self.balances_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.balances_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        mail, self.mail_label, self.mail_table = _titled_table(self.tr("Mailbox"),
                                                               [self.tr("Subject"), self.tr("Time (JST)")])
        self.mail_table.itemSelectionChanged.connect(self._show_mail_body)
        ml = mail.layout()
        self.mail_body = QTextBrowser()
        mails = QSplitter(Qt.Orientation.Vertical)
        mails.setChildrenCollapsible(False)
        mails.addWidget(mail)
        mails.addWidget(self.mail_body)
        victim.addWidget(bal)
        victim.addWidget(mails)
        victim.setSizes([480, 460])
        victim.setMinimumHeight(110)
        self.addTab(victim, self.tr("What the victim saw"))

    def show_result(self, result) -> None:
        """Fill every tab from one run's `ScenarioResult`."""
        self._result = result
        if result.timeline:
            self.chart.set_points(result.timeline)
        elif result.name == "credential-stuffing":
            self.chart.clear(self.tr("No attempts were made."))
        shown = len(result.audit)
        self.audit_summary.setText(
            self.tr("The run wrote {n} audit rows (the newest {shown} are listed). Ledger invariants: "
                    "{ledger}.").format(n=f"{result.audit_total:,}", shown=f"{shown:,}",
                ledger=self.tr("✓ hold") if result.ledger_ok else self.tr("✕ broken: {p}").format(
                    p="; ".join(result.check_problems[:3])))
            + "  " + " · ".join(f"{event} ×{count:,}" for event, count in result.audit_counts[:8]))
        self.audit_summary.setToolTip(self.audit_summary.text())
        self.setTabText(self.alerts_tab, self.tr("Alerts ({n})").format(n=f"{len(result.alerts):,}"))
        self._fill_audit(self.alerts_table, result.alerts, sep="\n")   # one detail a line: nothing cut
        self._fill_audit(self.audit_table, result.audit)
        balances = result.victim.balances
        _fill(self.balances_table,
              [[b.email, f"{format_yen(b.before)} → {format_yen(b.after)}",
                format_yen(b.after - b.before, signed=True)] for b in balances],
              colours=[theme.DANGER if b.after < b.before else None for b in balances])
        self.balances_label.setText(self.tr("Balances ({n} watched)").format(n=len(balances)))
        messages = result.victim.messages
        self.mail_label.setText(self.tr("Mailbox: {n} messages arrived").format(n=f"{result.victim.messages_total:,}"))
        _fill(self.mail_table, [[m.subject_in(language()), jst_short(m.sent_at)] for m in messages])
        self.mail_body.clear()
        if messages:
            self.mail_table.selectRow(0)

    def _fill_audit(self, table: QTableWidget, rows, *, sep: str = ", ") -> None:
        colours = {"alert": theme.DANGER, "warning": theme.WARNING}
        _fill(table, [[jst_short(r.at), r.severity, r.event, "" if r.customer_id is None else str(r.customer_id),
                       _details_text(r.details, sep)] for r in rows],
              colours=[colours.get(r.severity) for r in rows])

    def clear_details(self) -> None:
        self._result = None
        for t in (self.alerts_table, self.audit_table, self.balances_table, self.mail_table):
            t.setRowCount(0)
        self.mail_body.clear()
        self.audit_summary.setText(self.tr("The audit rows and alerts of the run appear here when it finishes."))
        self.setTabText(self.alerts_tab, self.tr("Alerts"))
        self.balances_label.setText(self.tr("Balances"))
        self.mail_label.setText(self.tr("Mailbox"))

    @Slot()
    def _show_mail_body(self) -> None:
        result = self._result
        rows = self.mail_table.selectionModel().selectedRows() if self.mail_table.selectionModel() else []
        if result is None or not rows:
            return
        m = result.victim.messages[rows[0].row()]
        to = self.tr("To")   # outside the f-string: lupdate does not read calls inside one
        self.mail_body.setPlainText(f"{m.subject_in(language())}\n{to}: {m.to} · {jst_text(m.sent_at, seconds=True)}"
                                   f"\n\n{m.body_in(language())}")

    # -- the steps as they happen -------------------------------------------------------------
    def add_steps(self, batch: list[tuple[str, Any]], policies: tuple[str, ...], *, chart: bool,
                  finished: set[str]) -> None:
        """A batch of (policy, Step) of the run going on: listed (a heading per policy when several run),
        and drawn live on the chart when `chart` (the policies in `finished` have their own timeline)."""
        at_end = self.steps_list.verticalScrollBar().value() >= self.steps_list.verticalScrollBar().maximum() - 4
        for policy, step in batch:
            if step.action == "start" and len(policies) > 1:
                head = QListWidgetItem("— " + self.tr("under {policy}").format(policy=policy_label(policy)) + " —")
                f = head.font()
                f.setBold(True)
                head.setFont(f)
                self.steps_list.addItem(head)
            self.steps_list.addItem(self._step_item(step))
            if chart and policy not in finished:
                self._chart_from_step(step)
        overflow = self.steps_list.count() - MAX_STEPS_SHOWN
        for _ in range(max(0, overflow)):
            self.steps_list.takeItem(0)
        if at_end:
            self.steps_list.scrollToBottom()

    def _step_item(self, step) -> QListWidgetItem:
        mark = {True: "✕", False: "✓", None: "•"}[step.attacker_gain]
        actor = {Actor.ATTACKER: self.tr("Attacker"), Actor.VICTIM: self.tr("Victim"), Actor.TILL: self.tr("Till"),
                 Actor.SYSTEM: self.tr("System")}[step.actor]
        lang = language()
        text = f"{mark}  +{format_elapsed(step.elapsed)}  {actor}: {step.result_in(lang)}"
        # the start's detail is the run's sizes and the defences off by their ids: the form and the
        # Defences page show both in words (the CLI and the report keep it)
        detail = step.detail_in(lang) if step.action != "start" else ""
        if detail:
            text += f"  —  {detail}"
        item = QListWidgetItem(text)
        if step.attacker_gain is not None:
            item.setForeground(QColor(theme.DANGER if step.attacker_gain else theme.OK))
        return item

    def _chart_from_step(self, step) -> None:
        # Only the policy currently running is drawn live; the finished run's own timeline replaces it.
        if step.action == "start":
            self.chart.clear(self.tr("Registering customers…"))
            self.chart.add_point(TimelinePoint(0.0, 0, 0, 0))
            return
        if step.point is not None:    # the core's typed counts (credential stuffing's progress steps)
            self.chart.add_point(step.point)
