"""A small Flet app that lists notes from a Supabase table."""

import os

import flet as ft
from supabase import Client, create_client


def connect() -> Client:
    return create_client(os.environ["SUPABASE_URL"], os.environ["SUPABASE_KEY"])


def main(page: ft.Page) -> None:
    page.title = "Notes"
    notes = ft.ListView(expand=True)

    def refresh(_: ft.ControlEvent | None = None) -> None:
        notes.controls.clear()
        rows = connect().table("notes").select("*").execute().data
        notes.controls.extend(ft.Text(row["body"]) for row in rows)
        page.update()

    page.add(ft.ElevatedButton("Refresh", on_click=refresh), notes)


ft.app(main)
