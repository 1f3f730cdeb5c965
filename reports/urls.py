from django.urls import path

from reports import notice_views, views

urlpatterns = [
    path("cadre/", views.cadre_home, name="cadre_home"),
    path("handler/", views.handler_home, name="handler_home"),
    path("organiser/", views.organiser_home, name="organiser_home"),
    path("leader/", views.leader_home, name="leader_home"),
    path("leader/refresh/", views.leader_refresh, name="leader_refresh"),
    path("leader/rows/", views.leader_rows, name="leader_rows"),
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/workbook.xlsx", notice_views.notice_download, name="notice_download"),
    path("notices/typical/<int:pk>/", notice_views.ticket_typical, name="ticket_typical"),
    path("system/", views.admin_home, name="admin_home"),
]
