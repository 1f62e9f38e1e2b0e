from django.urls import path

app_name = "accountability"

# Each feature keeps its views in accountability/views/<feature>.py and adds its routes here.
urlpatterns: list = []
