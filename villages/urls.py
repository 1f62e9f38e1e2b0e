from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
]
