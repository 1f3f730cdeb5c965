from django.urls import path

from pairing import views

urlpatterns = [
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/uncovered/", views.uncovered_list, name="uncovered_list"),
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
]
