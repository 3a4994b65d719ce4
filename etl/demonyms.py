"""Country adjectives not in the codebook, so a new actor's title still gives a group id."""

from __future__ import annotations

# adjective -> (group id, display name); used only when the codebook does not know the adjective.
DEMONYMS = {
    "albanian": ("albania", "Albania"), "american": ("united_states", "United States"),
    "austrian": ("austria", "Austria"), "belarusian": ("belarus", "Belarus"),
    "belgian": ("belgium", "Belgium"), "british": ("united_kingdom", "United Kingdom"),
    "bulgarian": ("bulgaria", "Bulgaria"), "canadian": ("canada", "Canada"),
    "chinese": ("china", "China"), "croatian": ("croatia", "Croatia"),
    "czech": ("czech_republic", "Czech Republic"), "danish": ("denmark", "Denmark"),
    "dutch": ("netherlands", "Netherlands"), "estonian": ("estonia", "Estonia"),
    "finnish": ("finland", "Finland"), "french": ("france", "France"),
    "georgian": ("georgia", "Georgia"), "german": ("germany", "Germany"),
    "greek": ("greece", "Greece"), "hungarian": ("hungary", "Hungary"),
    "icelandic": ("iceland", "Iceland"), "irish": ("ireland", "Ireland"),
    "italian": ("italy", "Italy"), "japanese": ("japan", "Japan"),
    "latvian": ("latvia", "Latvia"), "lithuanian": ("lithuania", "Lithuania"),
    "luxembourgish": ("luxembourg", "Luxembourg"), "moldovan": ("moldova", "Moldova"),
    "montenegrin": ("montenegro", "Montenegro"), "norwegian": ("norway", "Norway"),
    "polish": ("poland", "Poland"), "portuguese": ("portugal", "Portugal"),
    "romanian": ("romania", "Romania"), "russian": ("russia", "Russia"),
    "serbian": ("serbia", "Serbia"), "slovak": ("slovakia", "Slovakia"),
    "slovenian": ("slovenia", "Slovenia"), "spanish": ("spain", "Spain"),
    "swedish": ("sweden", "Sweden"), "swiss": ("switzerland", "Switzerland"),
    "turkish": ("turkey", "Turkey"), "ukrainian": ("ukraine", "Ukraine"),
    "u.s.": ("united_states", "United States"), "us": ("united_states", "United States"),
    "u.k.": ("united_kingdom", "United Kingdom"), "uk": ("united_kingdom", "United Kingdom"),
    "macedonian": ("north_macedonia", "North Macedonia"), "kazakh": ("kazakhstan", "Kazakhstan"),
    "australian": ("australia", "Australia"), "indian": ("india", "India"),
    "israeli": ("israel", "Israel"), "iranian": ("iran", "Iran"),
}
