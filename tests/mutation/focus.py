"""The tests a mutant of each rule module is run against: the module's own rule tests and the
pages that apply its rules, not every test that happens to pass through it.

mutmut gives a mutant every test whose run reached the mutated function. For the modules every
page calls (access, scoping, the workflow, the figures) that is most of the suite, and a surviving
mutant would cost a whole suite run, which is why a full run could not finish on this machine.
Narrowing can only lower a score (a mutant some other test would kill now counts as surviving), so
a module's score says what its own tests pin. A mutant none of the module's tests reaches counts
as "no tests", against the score.
"""

from pathlib import PurePosixPath

FOCUS = {
    "accounts.access": [
        "test_permission_matrix",
        "test_views",
        "test_audit_views",
        "test_scoping",
        "test_enterprise_bad_input",
        "test_pairing_bad_input",
        "test_ticket_bad_input",
        "test_visit_bad_input",
        "test_enterprise_file",
        "test_hostile_parameters",
    ],
    "accounts.scoping": [
        "test_scoping",
        "test_admin_reach",
        "test_models_accounts",
        "test_filter_scope",
        "test_permission_matrix",
    ],
    "accounts.api_clients": ["test_api", "test_api_admin", "test_api_schema", "test_webhooks"],
    "enterprises.uscc": ["test_uscc", "test_models_enterprises", "test_roster_rules"],
    "enterprises.roster_import": [
        "test_roster_import",
        "test_roster_rules",
        "test_roster_office_sheets",
        "test_roster_write",
        "test_xlsx_reading",
        "test_roster_import_preview",
        "test_roster_import_pages",
    ],
    "enterprises.roster_rows": [
        "test_roster_rules",
        "test_roster_import",
        "test_roster_office_sheets",
        "test_roster_write",
    ],
    "issues.workdays": [
        "test_workdays",
        "test_deadlines",
        "test_figure_rules",
        "test_holiday_pages",
        "test_ticket_decisions",
    ],
    "issues.deadlines": ["test_deadlines", "test_figure_rules", "test_holiday_pages"],
    "issues.holiday_notice": ["test_holiday_notice", "test_holiday_pages"],
    "issues.workflow": [
        "test_workflow",
        "test_workflow_rules",
        "test_ticket_decisions",
        "test_ticket_bad_input",
        "test_ladder",
        "test_grouping",
        "test_audit_labels",
        "test_notification_language",
        "test_ticket_pages",
    ],
    "issues.selectors": ["test_urging_rules", "test_queue"],
    "reports.metrics": [
        "test_metrics",
        "test_figure_rules",
        "test_coverage_rules",
        "test_area_figures",
        "test_dashboard",
        "test_dashboard_drill",
        "test_ladder",
    ],
    "pairing.pairing_rules": [
        "test_pairing_rules",
        "test_pairing_services",
        "test_pairing_bad_input",
        "test_pairing_import",
        "test_admin_reach",
        "test_workload_rules",
        "test_campaign_structure",
        "test_help_measures",
    ],
    "pairing.workload": [
        "test_workload_rules",
        "test_admin_reach",
        "test_campaign_demo",
        "test_pairing_services",
    ],
}


def module_of(mutant: str) -> str:
    """'issues.workflow.x_apply__mutmut_3' and 'enterprises.roster_rows.xǁRosterRowǁ...' alike."""
    return mutant.rpartition(".x")[0]


def in_focus(mutant: str, test_path: str) -> bool:
    files = FOCUS.get(module_of(mutant))
    return files is None or PurePosixPath(test_path).stem in files
