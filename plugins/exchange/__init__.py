"""The ministry's education data exchange: school register, demo data generator and shared helpers."""
