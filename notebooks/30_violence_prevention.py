# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
year = None  # financial year, e.g. "2019-20"; None: the latest year with report content
area = None  # local authority; None: the area that year's report.yaml names
data_dir = None  # None: the repository's data/ folder

# %% [markdown]
# ## Strategic Priority: Violence Prevention

# %%
from swp_analysis import report

r = report.load(year, area, data_dir)
r.committed_to("violence_prevention")

# %% [markdown]
# #### Violence, weapons and robbery: police recorded crime

# %%
r.violence_summary()

# %%
r.chart_violence()

# %%
r.violence_table()

# %%
r.objective("vp_young_people")

# %%
r.key_figures(
    [
        "peer_mentoring_schools",
        "holiday_activity_participants",
        "youth_outreach_engaged",
        "music_project_sessions",
        "music_project_hours",
        "music_project_participants",
    ]
)

# %%
r.objective("vp_legislative_tools")

# %%
r.key_figures(["violent_offender_orders"])

# %%
r.objective("vp_mediation")

# %%
r.objective("vp_perpetrator_programme")
