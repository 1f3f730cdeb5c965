from django.urls import path

from issues import visit_views

urlpatterns = [
    path("new/<int:enterprise_pk>/", visit_views.visit_new, name="visit_new"),
    path("<int:pk>/", visit_views.visit_detail, name="visit_detail"),
]
