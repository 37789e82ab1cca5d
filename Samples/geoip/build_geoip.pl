#!/usr/bin/perl
# Build the sessionguard sample GeoIP databases (MaxMind DB format), byte-identical on every run.
#
#   perl Samples/geoip/build_geoip.pl        (needs Debian's libmaxmind-db-writer-perl)
#
# Writes, next to this script:
#   GeoLite2-City-Sample.mmdb   database_type GeoLite2-City, records shaped like MaxMind's City DB
#   GeoLite2-ASN-Sample.mmdb    database_type GeoLite2-ASN
#
# Only documentation ranges (RFC 5737 / RFC 3849) are used, subdivided into made-up places that
# look real; PLACES.md lists them. Not real geolocation data: never use these files for real logs.
# The build epoch is fixed (2025-03-14T00:00:00Z) so that the output does not depend on the clock;
# map keys are written sorted by the writer, so Perl's hash order does not leak into the file.
#
# bench/detection/build_geoip.pl loads this file with `require` for the package SampleGeoIP: the
# writer settings, the record layout and the file writing. Loaded so, it defines packages and
# writes nothing. They stay in this file so that the script runs on its own (the Swift tests copy
# it alone).
use strict;
use warnings;
use utf8;
use MaxMind::DB::Writer::Tree;

package SampleGeoIP {
    my %TYPE = (
        accuracy_radius                => 'uint16',
        autonomous_system_number       => 'uint32',
        autonomous_system_organization => 'utf8_string',
        city                           => 'map',
        code                           => 'utf8_string',
        continent                      => 'map',
        country                        => 'map',
        en                             => 'utf8_string',
        geoname_id                     => 'uint32',
        is_in_european_union           => 'boolean',
        iso_code                       => 'utf8_string',
        latitude                       => 'double',
        location                       => 'map',
        longitude                      => 'double',
        names                          => 'map',
        postal                         => 'map',
        registered_country             => 'map',
        subdivisions                   => [ 'array', 'map' ],
        time_zone                      => 'utf8_string',
    );

    # A writer for one database ('GeoLite2-City', record size 28, or 'GeoLite2-ASN', 24).
    sub new_tree {
        my ( $type, $record_size, $description, $build_epoch ) = @_;
        my $tree = MaxMind::DB::Writer::Tree->new(
            ip_version               => 6,
            record_size              => $record_size,
            database_type            => $type,
            languages                => ['en'],
            description              => { en => $description },
            map_key_type_callback    => sub { $TYPE{ $_[0] } // die "no MaxMind type for key '$_[0]'\n" },
            remove_reserved_networks => 0,    # or the documentation ranges are dropped
            alias_ipv6_to_ipv4       => 1,    # ::ffff:a.b.c.d finds the IPv4 records
        );
        $tree->_set_build_epoch($build_epoch);
        return $tree;
    }

    # A record shaped like MaxMind's City DB: the city, continent, country (also the registered
    # country) and location maps, the subdivisions (largest first; none: left out) and the
    # postal code (undef: left out).
    sub city_record {
        my ( $city, $continent, $country, $location, $subdivisions, $postal ) = @_;
        my %rec = (
            city               => $city,
            continent          => $continent,
            country            => $country,
            registered_country => $country,
            location           => $location,
        );
        $rec{subdivisions} = $subdivisions if @{$subdivisions};
        $rec{postal} = { code => $postal } if defined $postal;
        return \%rec;
    }

    sub asn_record {
        my ( $number, $organization ) = @_;
        return { autonomous_system_number => $number, autonomous_system_organization => $organization };
    }

    # Writes the database through "$path.tmp", so that a reader never sees half a file.
    sub write_database {
        my ( $tree, $path ) = @_;
        open my $fh, '>:raw', "$path.tmp" or die "cannot write $path.tmp: $!\n";
        $tree->write_tree($fh);
        close $fh or die "cannot write $path.tmp: $!\n";
        rename "$path.tmp", $path or die "cannot rename to $path: $!\n";
    }
}

# ---- this script: the sample databases
package SampleGeoIP::Samples;
use FindBin qw($Bin);

my $BUILD_EPOCH = 1741910400;    # 2025-03-14T00:00:00Z

my %CONTINENT = (
    EU => { code => 'EU', geoname_id => 6255148, names => { en => 'Europe' } },
    SA => { code => 'SA', geoname_id => 6255150, names => { en => 'South America' } },
    NA => { code => 'NA', geoname_id => 6255149, names => { en => 'North America' } },
    AS => { code => 'AS', geoname_id => 6255147, names => { en => 'Asia' } },
);
my %COUNTRY = (
    BE => [ 'EU', { iso_code => 'BE', geoname_id => 2802361, names => { en => 'Belgium' },       is_in_european_union => 1 } ],
    FR => [ 'EU', { iso_code => 'FR', geoname_id => 3017382, names => { en => 'France' },        is_in_european_union => 1 } ],
    NL => [ 'EU', { iso_code => 'NL', geoname_id => 2750405, names => { en => 'Netherlands' },   is_in_european_union => 1 } ],
    BR => [ 'SA', { iso_code => 'BR', geoname_id => 3469034, names => { en => 'Brazil' } } ],
    US => [ 'NA', { iso_code => 'US', geoname_id => 6252001, names => { en => 'United States' } } ],
    JP => [ 'AS', { iso_code => 'JP', geoname_id => 1861060, names => { en => 'Japan' } } ],
);

sub sub_ {
    my ( $iso, $id, $name ) = @_;
    return { iso_code => $iso, geoname_id => $id, names => { en => $name } };
}

# name => [country, city geoname id, city, [subdivisions], lat, lon, radius km, time zone, postal]
my %PLACE = (
    brussels  => [ 'BE', 2800866, 'Brussels',  [ sub_( 'BRU', 2800867, 'Brussels Capital' ) ],
                   50.8505, 4.3488, 5, 'Europe/Brussels', '1000' ],
    antwerp   => [ 'BE', 2803138, 'Antwerp',   [ sub_( 'VLG', 3337388, 'Flanders' ), sub_( 'VAN', 2803136, 'Antwerp Province' ) ],
                   51.2199, 4.4035, 20, 'Europe/Brussels', '2000' ],
    ghent     => [ 'BE', 2797656, 'Ghent',     [ sub_( 'VLG', 3337388, 'Flanders' ), sub_( 'VOV', 2797661, 'East Flanders' ) ],
                   51.0500, 3.7167, 100, 'Europe/Brussels', undef ],
    paris     => [ 'FR', 2988507, 'Paris',     [ sub_( 'IDF', 3012874, 'Île-de-France' ), sub_( '75', 2968815, 'Paris' ) ],
                   48.8534, 2.3488, 10, 'Europe/Paris', '75001' ],
    sao_paulo => [ 'BR', 3448439, 'São Paulo', [ sub_( 'SP', 3448433, 'São Paulo' ) ],
                   -23.5475, -46.6361, 20, 'America/Sao_Paulo', '01000' ],
    amsterdam => [ 'NL', 2759794, 'Amsterdam', [ sub_( 'NH', 2749879, 'North Holland' ) ],
                   52.3740, 4.8897, 10, 'Europe/Amsterdam', '1012' ],
    new_york  => [ 'US', 5128581, 'New York',  [ sub_( 'NY', 5128638, 'New York' ) ],
                   40.7128, -74.0060, 20, 'America/New_York', '10001' ],
    tokyo     => [ 'JP', 1850147, 'Tokyo',     [ sub_( '13', 1850144, 'Tokyo' ) ],
                   35.6893, 139.6899, 50, 'Asia/Tokyo', '100-0001' ],
);

# network => [place, ASN, AS organization] -- keep in sync with PLACES.md
my @NETWORKS = (
    [ '198.51.100.0/25',   'brussels',  5432,  'Proximus NV' ],
    [ '198.51.100.128/25', 'antwerp',   5432,  'Proximus NV' ],
    [ '203.0.113.0/26',    'ghent',     47377, 'Orange Belgium SA' ],
    [ '203.0.113.64/26',   'paris',     3215,  'Orange S.A.' ],
    [ '203.0.113.128/26',  'sao_paulo', 28573, 'Claro NXT Telecomunicacoes Ltda' ],
    [ '192.0.2.0/25',      'amsterdam', 1136,  'KPN B.V.' ],
    [ '192.0.2.128/26',    'new_york',  14061, 'DIGITALOCEAN-ASN' ],
    [ '192.0.2.192/26',    'new_york',  16509, 'AMAZON-02' ],
    [ '2001:db8:1::/48',   'amsterdam', 1136,  'KPN B.V.' ],
    [ '2001:db8:2::/48',   'tokyo',     2516,  'KDDI CORPORATION' ],
);

sub place_record {
    my ($name) = @_;
    my ( $cc, $city_id, $city, $subs, $lat, $lon, $radius, $tz, $postal ) = @{ $PLACE{$name} };
    my ( $cont, $country ) = @{ $COUNTRY{$cc} };
    return SampleGeoIP::city_record(
        { geoname_id => $city_id, names => { en => $city } },
        $CONTINENT{$cont}, $country,
        { latitude => $lat, longitude => $lon, accuracy_radius => $radius, time_zone => $tz },
        $subs, $postal );
}

sub build_samples {
    my $not_real = 'documentation ranges only, not real data';
    my $city = SampleGeoIP::new_tree( 'GeoLite2-City', 28, "sessionguard sample City database: $not_real", $BUILD_EPOCH );
    my $asn  = SampleGeoIP::new_tree( 'GeoLite2-ASN',  24, "sessionguard sample ASN database: $not_real",  $BUILD_EPOCH );
    for my $n (@NETWORKS) {
        my ( $net, $place, $as_number, $as_org ) = @{$n};
        $city->insert_network( $net, place_record($place) );
        $asn->insert_network( $net, SampleGeoIP::asn_record( $as_number, $as_org ) );
    }
    for ( [ $city, 'GeoLite2-City-Sample.mmdb' ], [ $asn, 'GeoLite2-ASN-Sample.mmdb' ] ) {
        my ( $tree, $file ) = @{$_};
        SampleGeoIP::write_database( $tree, "$Bin/$file" );
        print "wrote $Bin/$file\n";
    }
}

build_samples() unless caller;    # not when loaded by bench/detection/build_geoip.pl
1;
