from django.urls import path

from sources import pages

urlpatterns = [
    path("sources/<int:pk>/", pages.source_page, name="source-page"),
]
