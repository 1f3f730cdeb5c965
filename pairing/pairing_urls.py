from django.urls import path

from pairing import campaign_views as campaigns
from pairing import people_import_views as imports
from pairing import views

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
    path("help-plans/", views.help_plan_list, name="help_plan_list"),
    path("help-plans/new/<int:enterprise_pk>/", views.help_plan_edit, name="help_plan_new"),
    path("help-plans/<int:enterprise_pk>/<int:pk>/", views.help_plan_edit, name="help_plan_edit"),
    path("import/cadres/", imports.cadre_upload, name="cadre_import"),
    path("import/cadres/template.xlsx", imports.cadre_template, name="cadre_import_template"),
    path("import/cadres/<int:pk>/", imports.cadre_detail, name="cadre_import_detail"),
    path("import/cadres/<int:pk>/commit/", imports.cadre_commit, name="cadre_import_commit"),
    path("import/cadres/<int:pk>/errors.xlsx", imports.cadre_errors, name="cadre_import_errors"),
    path("import/pairings/", imports.pairing_upload, name="pairing_import"),
    path("import/pairings/template.xlsx", imports.pairing_template, name="pairing_import_template"),
    path("import/pairings/<int:pk>/", imports.pairing_detail, name="pairing_import_detail"),
    path("import/pairings/<int:pk>/commit/", imports.pairing_commit, name="pairing_import_commit"),
    path(
        "import/pairings/<int:pk>/errors.xlsx",
        imports.pairing_errors,
        name="pairing_import_errors",
    ),
]
