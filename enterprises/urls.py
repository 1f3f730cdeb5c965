from django.urls import path

from enterprises import import_views, views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("import/", import_views.import_upload, name="roster_import"),
    path("import/template.xlsx", import_views.import_template, name="roster_import_template"),
    path("import/<int:pk>/", import_views.import_detail, name="roster_import_detail"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="roster_import_commit"),
    path("import/<int:pk>/columns/", import_views.import_map_columns, name="roster_import_columns"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="roster_import_cancel"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="roster_import_progress"),
    path(
        "import/<int:pk>/errors.xlsx",
        import_views.import_error_workbook,
        name="roster_import_errors",
    ),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/visits/", views.enterprise_visits, name="enterprise_visits"),
    path("<int:pk>/tickets/", views.enterprise_tickets, name="enterprise_tickets"),
    path(
        "<int:pk>/contact-phone/", views.enterprise_contact_phone, name="enterprise_contact_phone"
    ),
]
