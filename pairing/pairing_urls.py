from django.urls import path

from pairing import campaign_views as campaigns
from pairing import diary_views, help_plan_views, onboarding_views, views
from pairing import people_import_views as imports

urlpatterns = [
    path("campaigns/new/", campaigns.campaign_edit, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/uncovered/", campaigns.uncovered_list, name="uncovered_list"),
    path("campaigns/<int:pk>/pairings/", campaigns.campaign_pairings, name="campaign_pairings"),
    path("picker/cadres/", campaigns.picker_cadres, name="picker_cadres"),
    path("picker/firms/", campaigns.picker_firms, name="picker_firms"),
    path("campaigns/<int:pk>/pair/", views.pair_new, name="pair_new"),
    path("campaigns/<int:pk>/suggest/", views.suggestion_new, name="suggestion_new"),
    path("suggestions/<int:pk>/", views.suggestion_run, name="suggestion_run"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="suggestion_decide"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/hand-over/", views.cadre_hand_over, name="cadre_hand_over"),
    path("cadres/<int:pk>/diary/", diary_views.cadre_diary, name="cadre_diary"),
    path("diary/", diary_views.my_diary, name="my_diary"),
    path("help-plans/", help_plan_views.help_plan_list, name="help_plan_list"),
    path(
        "help-plans/new/<int:enterprise_pk>/", help_plan_views.help_plan_edit, name="help_plan_new"
    ),
    path(
        "help-plans/<int:enterprise_pk>/<int:pk>/",
        help_plan_views.help_plan_edit,
        name="help_plan_edit",
    ),
    path("import/county/", onboarding_views.onboarding_dry_run, name="onboarding"),
    path(
        "import/county/example-<str:kind>.xlsx",
        onboarding_views.onboarding_example,
        name="onboarding_example",
    ),
    path("import/units/", imports.unit_upload, name="unit_import"),
    path("import/units/template.xlsx", imports.unit_template, name="unit_import_template"),
    path("import/units/<int:pk>/", imports.unit_detail, name="unit_import_detail"),
    path("import/units/<int:pk>/commit/", imports.unit_commit, name="unit_import_commit"),
    path("import/units/<int:pk>/errors.xlsx", imports.unit_errors, name="unit_import_errors"),
    path("import/cadres/", imports.cadre_upload, name="cadre_import"),
    path("import/cadres/template.xlsx", imports.cadre_template, name="cadre_import_template"),
    path("import/cadres/<int:pk>/", imports.cadre_detail, name="cadre_import_detail"),
    path("import/cadres/<int:pk>/commit/", imports.cadre_commit, name="cadre_import_commit"),
    path("import/cadres/<int:pk>/cancel/", imports.cadre_cancel, name="cadre_import_cancel"),
    path("import/cadres/<int:pk>/errors.xlsx", imports.cadre_errors, name="cadre_import_errors"),
    path("import/pairings/", imports.pairing_upload, name="pairing_import"),
    path("import/pairings/template.xlsx", imports.pairing_template, name="pairing_import_template"),
    path("import/pairings/<int:pk>/", imports.pairing_detail, name="pairing_import_detail"),
    path("import/pairings/<int:pk>/commit/", imports.pairing_commit, name="pairing_import_commit"),
    path("import/pairings/<int:pk>/cancel/", imports.pairing_cancel, name="pairing_import_cancel"),
    path(
        "import/pairings/<int:pk>/errors.xlsx",
        imports.pairing_errors,
        name="pairing_import_errors",
    ),
]
