"""The demo villages' community profiles: institutions, earlier programmes, capitals.

Written as a facilitator would after the first months of mapping (transect walks,
FGDs with women and with farmers, a village meeting), through the community services.
"""

from __future__ import annotations

import datetime

from berdaya.community import services
from berdaya.community.models import Capital, Institution, PastProgramme

GIRISEKAR = "34.03.06.2002"
SIDOHARJO = "34.03.07.2003"

Kind = Institution.Kind
Approach = PastProgramme.Approach
Experience = PastProgramme.Experience

INSTITUTIONS = {
    GIRISEKAR: [
        (
            Kind.PKK,
            "Arisan PKK Dusun Blimbing",
            "Arisan bulanan ibu-ibu; sebagian uang kas dipinjamkan untuk modal warung.",
            34,
            1998,
            "sebulan sekali",
            4,
        ),
        (
            Kind.FARMERS,
            "Kelompok Tani Ngudi Makmur",
            "Mengatur giliran bibit jagung dan pupuk bersubsidi.",
            41,
            2006,
            "saat musim tanam",
            3,
        ),
        (
            Kind.GOTONG_ROYONG,
            "Kerja bakti menguras telaga",
            "Membersihkan telaga sebelum musim hujan; semua dusun ikut.",
            None,
            None,
            "setahun sekali",
            4,
        ),
        (
            Kind.LUMBUNG,
            "Lumbung pangan Sido Rukun",
            "Menyimpan gabah dan gaplek untuk paceklik; dipinjamkan dan dikembalikan "
            "setelah panen.",
            28,
            2012,
            "",
            2,
        ),
        (
            Kind.RELIGIOUS,
            "Pengajian ibu-ibu Al-Hidayah",
            "Pengajian mingguan yang juga menjadi tempat kabar dan musyawarah.",
            55,
            None,
            "seminggu sekali",
            4,
        ),
        (
            Kind.ZAKAT,
            "UPZ Masjid Baiturrahman",
            "Mengumpulkan zakat fitrah dan infak; dibagikan menjelang Lebaran.",
            None,
            2015,
            "",
            3,
        ),
        (
            Kind.HEALER,
            "Dukun bayi Mbah Sastro",
            "Dipanggil untuk pijat bayi dan menemani persalinan bersama bidan desa.",
            None,
            None,
            "",
            2,
        ),
    ],
    SIDOHARJO: [
        (
            Kind.OTHER,
            "Kelompok Nelayan Samudra Jaya",
            "Nelayan perahu kecil; mengatur tambatan dan berbagi informasi cuaca.",
            23,
            2010,
            "sebulan sekali",
            3,
        ),
        (
            Kind.PKK,
            "Arisan PKK Dusun Pule",
            "Arisan dan simpan pinjam kecil ibu-ibu.",
            30,
            2001,
            "sebulan sekali",
            3,
        ),
        (
            Kind.OTHER,
            "Pokdarwis Pantai Krambil",
            "Kelompok sadar wisata: parkir, warung dan kebersihan pantai.",
            18,
            2017,
            "",
            3,
        ),
        (
            Kind.GOTONG_ROYONG,
            "Sambatan membangun rumah",
            "Tetangga membantu membangun atau memperbaiki rumah tanpa upah.",
            None,
            None,
            "",
            4,
        ),
        (
            Kind.RELIGIOUS,
            "Pengajian Dusun Ngandong",
            "Pengajian bapak-bapak dan ibu-ibu bergantian.",
            40,
            None,
            "seminggu sekali",
            3,
        ),
        (
            Kind.SAVINGS,
            "Koperasi Wanita Sekar Arum",
            "Dulu simpan pinjam; sekarang tidak aktif setelah pengurus pindah.",
            12,
            2009,
            "",
            1,
        ),
    ],
}

PAST_PROGRAMMES = {
    GIRISEKAR: [
        (
            "PNPM Mandiri Perdesaan (SPP)",
            "Pemerintah pusat",
            Approach.CREDIT,
            2008,
            2014,
            Experience.MIXED,
            "Dana bergulir simpan pinjam perempuan macet di beberapa kelompok; yang masih "
            "jalan dikelola ibu-ibu PKK.",
            True,
            "Kelompok yang sudah ada (arisan) lebih tahan daripada kelompok bentukan baru.",
        ),
        (
            "BLT BBM",
            "Kementerian Sosial",
            Approach.DIRECT_AID,
            2005,
            2006,
            Experience.MIXED,
            "Membantu sesaat, tetapi menimbulkan kecemburuan karena daftar penerima tidak tepat.",
            False,
            "Data penerima harus dibahas terbuka di musyawarah dusun.",
        ),
        (
            "PAMSIMAS",
            "Pemerintah dan warga",
            Approach.INFRASTRUCTURE,
            2012,
            2013,
            Experience.POSITIVE,
            "Air bersih sampai ke dusun atas; iuran pengelolaan masih dibayar.",
            True,
            "Warga ikut membangun dan mengelola, jadi merasa memiliki.",
        ),
        (
            "Bantuan kambing CSR",
            "Perusahaan",
            Approach.DIRECT_AID,
            2019,
            2019,
            Experience.NEGATIVE,
            "Banyak kambing dijual karena pakan sulit di musim kemarau.",
            False,
            "Bantuan ternak perlu rencana pakan dan kelompok yang merawat.",
        ),
    ],
    SIDOHARJO: [
        (
            "Bantuan perahu dan mesin tempel",
            "Dinas Kelautan dan Perikanan",
            Approach.DIRECT_AID,
            2016,
            2016,
            Experience.MIXED,
            "Perahu diterima ketua kelompok dan kerabatnya; nelayan lain tetap menyewa.",
            False,
            "Pembagian aset bersama perlu aturan kelompok yang disepakati.",
        ),
        (
            "Pelatihan homestay",
            "Dinas Pariwisata",
            Approach.CAPACITY,
            2018,
            2018,
            Experience.POSITIVE,
            "Beberapa ibu membuka kamar untuk tamu; pendapatan tambahan saat libur.",
            True,
            "",
        ),
    ],
}

CAPITAL_ITEMS = {
    GIRISEKAR: [
        (
            Capital.NATURAL,
            "Telaga mengering setiap musim kemarau; air dibeli dari truk tangki.",
            1,
            "Transek dan FGD petani",
        ),
        (Capital.NATURAL, "Tegalan untuk jagung, singkong dan kacang tanah.", 3, "Transek"),
        (
            Capital.SOCIAL,
            "Rasulan dan kerja bakti masih diikuti hampir semua warga.",
            4,
            "Musyawarah dusun",
        ),
        (
            Capital.FINANCIAL,
            "Pinjaman mudah hanya dari bank plecit dengan bunga tinggi.",
            1,
            "FGD perempuan",
        ),
        (
            Capital.HUMAN,
            "Banyak pemuda merantau; yang tinggal orang tua dan anak-anak.",
            2,
            "FGD perempuan",
        ),
        (Capital.PHYSICAL, "Jalan desa sudah dicor sampai dusun terjauh.", 4, "Transek"),
    ],
    SIDOHARJO: [
        (
            Capital.NATURAL,
            "Pantai dan laut: ikan, rumput laut dan wisata.",
            4,
            "Pemetaan sumber daya",
        ),
        (
            Capital.FINANCIAL,
            "Pendapatan nelayan tidak menentu saat musim ombak besar.",
            2,
            "FGD nelayan",
        ),
        (
            Capital.SOCIAL,
            "Sambatan masih hidup, tetapi kelompok ekonomi sering bubar.",
            3,
            "Musyawarah desa",
        ),
    ],
}


def community_profiles_create(*, organisation, villages, users, on: datetime.date) -> None:
    """Record the demo villages' institutions, earlier programmes and capital items."""
    facilitators = {
        GIRISEKAR: users["pendamping.girisekar"],
        SIDOHARJO: users["pendamping.sidoharjo"],
    }
    for code, village in villages.items():
        where = {"user": facilitators[code], "organisation": organisation, "village": village}
        for kind, name, description, members, since, meets, strength in INSTITUTIONS[code]:
            services.institution_create(
                **where,
                kind=kind,
                name=name,
                description=description,
                members=members,
                since_year=since,
                meets=meets,
                active=strength > 1,
                strength=strength,
            )
        for (
            name,
            run_by,
            approach,
            start,
            end,
            experience,
            said,
            continued,
            lessons,
        ) in PAST_PROGRAMMES[code]:
            services.past_programme_create(
                **where,
                name=name,
                run_by=run_by,
                approach=approach,
                start_year=start,
                end_year=end,
                experience=experience,
                what_people_said=said,
                continued=continued,
                lessons=lessons,
            )
        for capital, description, strength, source in CAPITAL_ITEMS[code]:
            services.capital_item_create(
                **where,
                capital=capital,
                description=description,
                strength=strength,
                source=source,
                recorded_on=on,
            )
