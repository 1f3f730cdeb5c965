from django.urls import path

from enterprises import views

urlpatterns = [
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
]
