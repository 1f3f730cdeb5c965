from django.urls import path

from reports import views

urlpatterns = [
    path("cadre/", views.cadre_home, name="cadre_home"),
    path("handler/", views.handler_home, name="handler_home"),
    path("organiser/", views.organiser_home, name="organiser_home"),
    path("leader/", views.leader_home, name="leader_home"),
    path("system/", views.admin_home, name="admin_home"),
]
